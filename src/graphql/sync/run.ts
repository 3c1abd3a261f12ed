/**
 * Runs one sync step for a connection: decodes the checkpoint, loads its delivered-id snapshot
 * and the learned calls from the sync state, and encodes the next checkpoint (bounded: the ids
 * stay server-side under a chain id and step number).
 */
import type { GatewayContext } from '../context.js';
import { decodeCheckpoint, encodeCheckpoint, type SyncKind } from './checkpoint.js';
import { syncStep, type SyncStepOptions } from './scan.js';

export type RunOptions<R> = Omit<SyncStepOptions<R>, 'scannedTo' | 'scan' | 'seen' | 'learned'>;

export async function runSyncStep<R>(
  ctx: GatewayContext,
  kind: SyncKind,
  token: string | null | undefined,
  opts: RunOptions<R>,
): Promise<{ records: R[]; checkpoint: string; hasMore: boolean }> {
  const cp = decodeCheckpoint(token, kind);
  const state = ctx.services.sync;
  const ref = ctx.connectionRef;
  const chain = cp.chain ?? state.newChain();
  const previous =
    cp.inlineSeen ??
    (cp.chain !== undefined
      ? await state.loadSeen(ref, cp.chain, cp.step)
      : new Map<string, number>());
  const seen = new Map(previous);
  const step = await syncStep({
    ...opts,
    scannedTo: cp.s,
    scan: cp.scan,
    seen,
    learned: (since, until) => state.learned(ref, since, until),
  });
  const n = cp.chain !== undefined ? cp.step + 1 : 0;
  await state.saveSeen(ref, chain, n, seen, cp.chain !== undefined ? previous : undefined);
  const checkpoint = encodeCheckpoint({
    v: 2,
    k: kind,
    s: step.scannedTo,
    c: chain,
    n,
    ...(step.scan ? { scan: step.scan } : {}),
  });
  return { records: step.records, checkpoint, hasMore: step.hasMore };
}
