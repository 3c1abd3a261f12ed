/**
 * Engage flows: GET /v2/flows.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { GongDateTime, GongId, Records, obj, opt } from './common.js';

export const FlowVisibility = z.enum(['Company', 'Personal', 'Shared']);
export const Flow = obj({
  id: GongId,
  name: opt(z.string()),
  folderId: opt(z.string()),
  folderName: opt(z.string()),
  /** Relative to the flowOwnerEmail asked about. */
  visibility: opt(z.string()),
  creationDate: opt(GongDateTime),
  exclusive: opt(z.boolean()),
});
export type Flow = z.infer<typeof Flow>;
export const FlowsResponse = obj({ requestId: z.string(), records: Records, flows: z.array(Flow) });
