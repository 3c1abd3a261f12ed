/**
 * The opaque sync checkpoint (base64url JSON, versioned). It holds:
 * - `s`: scannedTo, the upper bound (`now`) of the last completed scan (null before the first);
 * - `seen`: ids already delivered that a later overlap re-scan can meet again, each with an upper
 *   bound of its start time (ms), pruned once the bound falls behind `scannedTo − overlap`;
 * - `scan`: the scan in progress when it spans several pages: its fixed `[f, t)` window (so
 *   Gong's cursor stays valid), Gong's cursor `g` and the offset `o` within that page.
 */
import { z } from 'zod';
import { encodeOpaque, decodeOpaque } from '../cursor.js';

export const Checkpoint = z.object({
  v: z.literal(1),
  k: z.enum(['calls', 'transcripts']),
  s: z.number().int().nullable(),
  seen: z.array(z.tuple([z.string(), z.number().int()])),
  scan: z
    .object({ f: z.number().int(), t: z.number().int(), g: z.string().optional(), o: z.number().int().min(0) })
    .optional(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;
export type SyncKind = Checkpoint['k'];

export function decodeCheckpoint(token: string | null | undefined, kind: SyncKind): Checkpoint {
  if (token === null || token === undefined) return { v: 1, k: kind, s: null, seen: [] };
  const cp = decodeOpaque(Checkpoint, token, 'checkpoint');
  if (cp.k !== kind) return decodeOpaque(z.never(), token, 'checkpoint');
  return cp;
}

export const encodeCheckpoint = (cp: Checkpoint): string => encodeOpaque(cp);
