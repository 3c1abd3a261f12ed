/**
 * Runs one sync step for a connection: decodes the checkpoint, loads its delivered-id snapshot
 * and the learned calls from the sync state, acts on the calls changed since the chain's position
 * in the change events (./changes.ts: first, so a backlog of changes drains before the scan goes
 * on), then scans (./scan.ts), and encodes the next checkpoint (bounded: the ids stay server-side
 * under a chain id and step number).
 */
import type { CallChangedData } from '../../events/payloads.js';
import type { GatewayContext } from '../context.js';
import type { Delivered, Delivery } from '../../sync/sync-state.js';
import { decodeCheckpoint, encodeCheckpoint, type SyncKind } from './checkpoint.js';
import { readChanges, type ChangeAction } from './changes.js';
import { syncStep, type SyncStepOptions } from './scan.js';

export type RunOptions<R> = Omit<SyncStepOptions<R>, 'scannedTo' | 'scan' | 'seen' | 'learned'> & {
  /** What this sync does with a change to a call (undefined: nothing). */
  changeAction(change: CallChangedData): ChangeAction | undefined;
};

export interface SyncPage<R> {
  records: R[];
  /** Calls the consumer must drop (deleted, or made private while this sync leaves them out). */
  removed: string[];
  checkpoint: string;
  hasMore: boolean;
}

export async function runSyncStep<R>(
  ctx: GatewayContext,
  kind: SyncKind,
  token: string | null | undefined,
  opts: RunOptions<R>,
): Promise<SyncPage<R>> {
  const cp = decodeCheckpoint(token, kind);
  const state = ctx.services.sync;
  const ref = ctx.connectionRef;
  const log = ctx.services.events.log;
  // A live chain keeps its connection swept for changes.
  ctx.services.calls?.activity.sync(ref);
  const chain = cp.chain ?? state.newChain();
  const previous: Delivered =
    cp.inlineSeen ??
    (cp.chain !== undefined
      ? await state.loadSeen(ref, cp.chain, cp.step)
      : new Map<string, Delivery>());
  const seen: Delivered = new Map(previous);
  // A new chain's scan delivers every call as it is now: only later changes matter to it.
  const after = cp.changes ?? (await log.lastEventId('call.changed', ref));
  const changes = await readChanges({
    log,
    connectionRef: ref,
    after,
    first: opts.first,
    actionOf: (d) => opts.changeAction(d),
    fetchByIds: (ids) => opts.fetchByIds?.(ids) ?? Promise.resolve([]),
    idOf: (r) => opts.idOf(r),
    keep: opts.keep,
    versionOf: opts.versionOf,
    seen,
    now: opts.now,
  });
  if (changes.lost)
    ctx.logger.warn(
      { chain, position: after },
      'sync chain position unknown to the event log (restarted or flushed): changes since it are not delivered',
    );
  const room = opts.first - changes.records.length;
  const step =
    changes.more || room <= 0
      ? { records: [], hasMore: true, scannedTo: cp.s, scan: cp.scan }
      : await syncStep({
          ...opts,
          first: room,
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
    e: changes.position,
  });
  return {
    records: [...changes.records, ...step.records],
    removed: changes.removed,
    checkpoint,
    hasMore: step.hasMore,
  };
}
