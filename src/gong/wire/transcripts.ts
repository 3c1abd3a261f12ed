/**
 * Transcripts: POST /v2/calls/transcript.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { GongDateTime, GongId, Records, obj, opt } from './common.js';

export const Sentence = obj({ start: z.number(), end: z.number(), text: z.string() });
export const Monologue = obj({
  speakerId: opt(z.string()),
  topic: opt(z.string()),
  sentences: z.array(Sentence),
});
export type Monologue = z.infer<typeof Monologue>;
export const CallTranscript = obj({ callId: GongId, transcript: z.array(Monologue) });
export type CallTranscript = z.infer<typeof CallTranscript>;
export const TranscriptsResponse = obj({
  requestId: z.string(),
  records: Records,
  callTranscripts: z.array(CallTranscript),
});
export const TranscriptsRequest = z.object({
  cursor: z.string().optional(),
  filter: z.object({
    fromDateTime: GongDateTime.optional(),
    toDateTime: GongDateTime.optional(),
    workspaceId: GongId.optional(),
    callIds: z.array(GongId).optional(),
  }),
});
export type TranscriptsRequest = z.infer<typeof TranscriptsRequest>;
