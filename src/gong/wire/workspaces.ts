/**
 * Workspaces: GET /v2/workspaces.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { GongId, obj, opt } from './common.js';

export const Workspace = obj({ id: GongId, name: opt(z.string()), description: opt(z.string()) });
export type Workspace = z.infer<typeof Workspace>;
/** GET /v2/workspaces: no `records`, no paging. */
export const WorkspacesResponse = obj({ requestId: z.string(), workspaces: z.array(Workspace) });
