/**
 * The opaque sync checkpoint (base64url JSON, versioned), bounded in size whatever the volume:
 * - `s`: scannedTo, the upper bound (`now`) of the last completed scan (null before the first);
 * - `c`, `n`: the chain and step whose delivered-id snapshot lives server-side (./sync-state.ts);
 * - `scan`: the scan in progress when it spans several pages: its fixed `[f, t)` window (so
 *   Gong's cursor stays valid), Gong's cursor `g`, the offset `o` within that page, and once the
 *   window is done `l`, the position in the calls learned of another way (null: at their start);
 * - `e`: the position in the connection's call.changed events (the last one this chain consumed).
 * Version 1 carried the delivered ids inline (`seen`); it is still accepted and continues as 2.
 */
import { z } from 'zod';
import { encodeOpaque, decodeOpaque } from '../cursor.js';
import type { Delivered } from '../../sync/sync-state.js';

const Kind = z.enum(['calls', 'transcripts']);
const Scan = z.object({
  f: z.number().int(),
  t: z.number().int(),
  g: z.string().max(4_096).optional(),
  o: z.number().int().min(0),
  l: z
    .tuple([z.number().int(), z.string().max(64)])
    .nullable()
    .optional(),
});
export type Scan = z.infer<typeof Scan>;

const CheckpointV1 = z.object({
  v: z.literal(1),
  k: Kind,
  s: z.number().int().nullable(),
  seen: z.array(z.tuple([z.string(), z.number().int()])),
  scan: Scan.omit({ l: true }).optional(),
});
export const Checkpoint = z.object({
  v: z.literal(2),
  k: Kind,
  s: z.number().int().nullable(),
  c: z.string().min(1).max(64),
  n: z.number().int().min(0),
  scan: Scan.optional(),
  e: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/)
    .optional(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;
export type SyncKind = Checkpoint['k'];

/** A decoded checkpoint; `inlineSeen` only for a version-1 token (its ids move server-side). */
export interface DecodedCheckpoint {
  kind: SyncKind;
  s: number | null;
  chain: string | undefined;
  step: number;
  scan: Scan | undefined;
  inlineSeen?: Delivered;
  /** Position in the connection's call.changed events (absent: a chain begun before changes were read). */
  changes: string | undefined;
}

export function decodeCheckpoint(
  token: string | null | undefined,
  kind: SyncKind,
): DecodedCheckpoint {
  if (token === null || token === undefined)
    return { kind, s: null, chain: undefined, step: 0, scan: undefined, changes: undefined };
  const cp = decodeOpaque(z.union([Checkpoint, CheckpointV1]), token, 'checkpoint');
  if (cp.k !== kind) return decodeOpaque(z.never(), token, 'checkpoint');
  if (cp.v === 1)
    return {
      kind,
      s: cp.s,
      chain: undefined,
      step: 0,
      scan: cp.scan,
      inlineSeen: new Map(cp.seen.map(([id, bound]) => [id, { bound }])),
      changes: undefined,
    };
  return { kind, s: cp.s, chain: cp.c, step: cp.n, scan: cp.scan, changes: cp.e };
}

export const encodeCheckpoint = (cp: Checkpoint): string => encodeOpaque(cp);
