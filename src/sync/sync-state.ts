/**
 * The server-side half of a sync checkpoint, in the gateway's KeyValueStore (Redis with
 * REDIS_URL, else memory), keyed by connection so one tenant never reads another's state:
 * - the ids a chain of checkpoints already delivered inside its overlap (one immutable snapshot
 *   per step, so retrying an older checkpoint sees exactly what had been delivered before it);
 * - the calls the gateway learned of another way (call.created webhook, gongCreateCall, a ready
 *   transcript), which a sync then reads by id even when their start is older than its overlap.
 * Losing this state never loses a call inside the overlap; see docs/ARCHITECTURE.md "Sync state".
 */
import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../store/types.js';

/** What a chain delivered of one record: the scan bound it was delivered under, and its version. */
export interface Delivery {
  /** Upper bound (ms) of the scan that delivered it (or the step's time, for a re-delivered change). */
  bound: number;
  /** The version delivered (calls: metaData and outcome); absent in snapshots older than versions. */
  version?: string;
}

/** Delivered records by id: one immutable snapshot per step of a chain. */
export type Delivered = Map<string, Delivery>;

export interface LearnedCall {
  callId: string;
  /** When the gateway learned of it (ms). */
  at: number;
  /** The call's start (ms) when known: a call inside the scan's window needs no lookup by id. */
  start?: number;
}

export interface SyncState {
  /** Records a call learned of outside the sync (first learning wins; idempotent). */
  learn(connectionRef: string, callId: string, start?: number): Promise<void>;
  /** Calls learned in `(since, until]`, oldest first (ties by id). */
  learned(connectionRef: string, since: number, until: number): Promise<LearnedCall[]>;
  /** The delivered ids of a checkpoint's snapshot; empty when it never existed or was lost. */
  loadSeen(connectionRef: string, chain: string, step: number): Promise<Delivered>;
  /** Writes the snapshot of `step` and shortens the life of the one before it. */
  saveSeen(
    connectionRef: string,
    chain: string,
    step: number,
    seen: Delivered,
    previous?: Delivered,
  ): Promise<void>;
  newChain(): string;
}

export interface SyncStateOptions {
  store: KeyValueStore;
  now: () => number;
  /** How long learned calls and the latest snapshot of a chain are kept (SYNC_STATE_RETENTION_HOURS). */
  retentionMs: number;
  /** A superseded snapshot stays this long, for a client that retries the previous checkpoint. @default 1 h */
  previousSnapshotMs?: number;
}

const learnedKey = (ref: string, callId: string) => `sync:learned:${ref}:${callId}`;
const seenKey = (ref: string, chain: string, step: number) => `sync:seen:${ref}:${chain}:${step}`;

function parseLearned(callId: string, raw: string | null): LearnedCall | undefined {
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as { at?: unknown; start?: unknown };
    if (typeof v.at !== 'number') return undefined;
    return { callId, at: v.at, ...(typeof v.start === 'number' ? { start: v.start } : {}) };
  } catch {
    return undefined;
  }
}

/** `[id, bound]` or `[id, bound, version]` per record: compact, and older snapshots still read. */
function parseSeen(raw: string | null): Delivered {
  const out: Delivered = new Map();
  if (raw === null) return out;
  try {
    const v = JSON.parse(raw) as unknown;
    if (!Array.isArray(v)) return out;
    for (const e of v as unknown[]) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number') continue;
      out.set(e[0], typeof e[2] === 'string' ? { bound: e[1], version: e[2] } : { bound: e[1] });
    }
  } catch {
    // A lost snapshot re-delivers inside the overlap: at least once, never a miss.
  }
  return out;
}

const serialise = (seen: Delivered) =>
  JSON.stringify(
    [...seen].map(([id, d]) =>
      d.version === undefined ? [id, d.bound] : [id, d.bound, d.version],
    ),
  );

export function createSyncState(opts: SyncStateOptions): SyncState {
  const previousMs = opts.previousSnapshotMs ?? 3_600_000;
  return {
    async learn(ref, callId, start) {
      const value = JSON.stringify({
        at: opts.now(),
        ...(start !== undefined && Number.isFinite(start) ? { start } : {}),
      });
      await opts.store.set(learnedKey(ref, callId), value, {
        ttlMs: opts.retentionMs,
        onlyIfAbsent: true,
      });
    },
    async learned(ref, since, until) {
      const prefix = learnedKey(ref, '');
      const keys = await opts.store.keys(prefix);
      const out: LearnedCall[] = [];
      for (const key of keys) {
        const callId = key.slice(key.indexOf(prefix) + prefix.length);
        const entry = parseLearned(callId, await opts.store.get(key));
        if (entry && entry.at > since && entry.at <= until) out.push(entry);
      }
      return out.sort((a, b) => a.at - b.at || a.callId.localeCompare(b.callId));
    },
    async loadSeen(ref, chain, step) {
      return parseSeen(await opts.store.get(seenKey(ref, chain, step)));
    },
    async saveSeen(ref, chain, step, seen, previous) {
      await opts.store.set(seenKey(ref, chain, step), serialise(seen), {
        ttlMs: opts.retentionMs,
      });
      if (previous && step > 0)
        await opts.store.set(seenKey(ref, chain, step - 1), serialise(previous), {
          ttlMs: previousMs,
        });
    },
    newChain: () => randomUUID(),
  };
}
