/**
 * The per-connection change index: what the gateway knows of each call whose start lies in the
 * reconciler's window (./fingerprint.ts), and the changes it derives whenever a record of a call
 * arrives, whichever path brought it (sweeps, list and by-id reads, sync pages, webhooks):
 * - an id it had not seen is CREATED (once the index is built: while the first sweep builds it,
 *   only a webhook's call is new to the world; the others are the past);
 * - changed fields are UPDATED, or MADE_PRIVATE / MADE_PUBLIC when privacy flipped (changedFields
 *   still lists every field);
 * - an id a sweep no longer finds, confirmed by id, is DELETED and leaves a tombstone.
 * Writes are compare-and-set per call, so when two instances see the same change only one derives
 * it. Privacy fails closed: only the reconciler's own reads may make a private call public (a read
 * sent before the flip can land after it).
 */
import type { CallChangedData } from '../events/payloads.js';
import type { CallData } from '../gong/wire.js';
import {
  changedFields,
  decodeEntry,
  encodeEntry,
  entryOf,
  TRACKED_FIELDS,
  versionOf,
  type IndexEntry,
  type LiveEntry,
} from './fingerprint.js';
import type { IndexStore, Swap } from './index-store.js';

export type ObservationSource = 'sweep' | 'read' | 'webhook';

export interface Observation {
  call: CallData;
  /** The record was asked for (or carries) content.callOutcome. */
  outcomeKnown: boolean;
  source: ObservationSource;
}

/** A derived change: the event's payload plus what publishing it needs. */
export interface CallChange extends CallChangedData {
  /** Version before (undefined for CREATED) and after (undefined for DELETED): the event's dedupe key. */
  from: string | undefined;
  to: string | undefined;
  source: ObservationSource | 'confirm';
  /** The record that showed it (absent for DELETED). */
  call?: CallData;
}

export interface CallIndex {
  /** Folds records into the index and returns the changes; `quiet` while the first sweep builds it. */
  observe(ref: string, observations: readonly Observation[], quiet: boolean): Promise<CallChange[]>;
  /** Calls Gong no longer has (confirmed by id): tombstones and DELETED changes. */
  deleted(ref: string, ids: readonly string[]): Promise<CallChange[]>;
  entries(ref: string, ids: readonly string[]): Promise<(IndexEntry | undefined)[]>;
  /** Known, not deleted, calls whose start lies in `[from, to)`. */
  live(ref: string, from: number, to: number): Promise<string[]>;
  /** Forgets calls that started before `before`; tombstones stay until `tombstoneMs` after the deletion. */
  prune(ref: string, before: number, tombstoneMs: number): Promise<number>;
}

export interface CallIndexOptions {
  store: IndexStore;
  now: () => number;
  /** RECONCILE_WINDOW_DAYS in ms: reads of older calls are not indexed (webhooks are). */
  windowMs: number;
}

const PRIVATE = TRACKED_FIELDS.indexOf('isPrivate');
/** Concurrent writers lose a compare-and-set at most this often before a record is left to the next sweep. */
const ATTEMPTS = 3;

interface Step {
  next: LiveEntry | undefined;
  change?: Pick<CallChange, 'kind' | 'changedFields'>;
}

/** What one record does to what the index held. */
function fold(
  raw: string | undefined,
  seen: LiveEntry,
  source: ObservationSource,
  quiet: boolean,
): Step {
  const old = decodeEntry(raw);
  // An entry written by another version of the gateway: replaced without a change.
  if (raw !== undefined && old === undefined) return { next: seen };
  if (old === undefined)
    return source === 'webhook' || !quiet
      ? { next: seen, change: { kind: 'CREATED', changedFields: [] } }
      : { next: seen };
  // Gong does not bring deleted calls back: a record of one is a read sent before the deletion.
  if (old.state === 'deleted') return { next: undefined };
  const next: LiveEntry = {
    ...seen,
    hashes: [...seen.hashes],
    outcome: seen.outcome ?? old.outcome,
  };
  if (old.isPrivate && !next.isPrivate && source !== 'sweep') {
    next.isPrivate = true;
    next.hashes[PRIVATE] = old.hashes[PRIVATE] ?? '';
  }
  const fields = changedFields(old, next);
  if (fields.length === 0)
    return { next: encodeEntry(next) === encodeEntry(old) ? undefined : next };
  const kind = fields.includes('isPrivate')
    ? next.isPrivate
      ? 'MADE_PRIVATE'
      : 'MADE_PUBLIC'
    : 'UPDATED';
  return { next, change: { kind, changedFields: fields } };
}

export function createCallIndex(opts: CallIndexOptions): CallIndex {
  const { store } = opts;

  async function observe(
    ref: string,
    observations: readonly Observation[],
    quiet: boolean,
  ): Promise<CallChange[]> {
    const floor = opts.now() - opts.windowMs;
    const latest = new Map<string, { entry: LiveEntry; o: Observation }>();
    for (const o of observations) {
      const entry = entryOf(o.call, o.outcomeKnown);
      if (!entry || (o.source !== 'webhook' && entry.started < floor)) continue;
      latest.set(o.call.metaData.id, { entry, o });
    }
    const changes: CallChange[] = [];
    let pending = [...latest.keys()];
    for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
      const stored = await store.get(ref, pending);
      const swaps: Swap[] = [];
      const made: (CallChange | undefined)[] = [];
      pending.forEach((id, i) => {
        const { entry, o } = latest.get(id)!;
        const raw = stored[i];
        const step = fold(raw, entry, o.source, quiet);
        if (!step.next) return;
        swaps.push({ id, expected: raw, next: encodeEntry(step.next), started: step.next.started });
        const old = decodeEntry(raw);
        made.push(
          step.change && {
            ...step.change,
            callId: id,
            isPrivate: step.next.isPrivate,
            // Privacy as the index holds it: a read's stale public flag does not leak into the event.
            metaData: { ...o.call.metaData, isPrivate: step.next.isPrivate },
            from: old?.state === 'live' ? versionOf(old) : undefined,
            to: versionOf(step.next),
            source: o.source,
            call: { ...o.call, metaData: { ...o.call.metaData, isPrivate: step.next.isPrivate } },
          },
        );
      });
      const done = await store.swap(ref, swaps);
      const lost = new Set<string>();
      done.forEach((ok, i) => {
        const change = made[i];
        if (!ok) lost.add(swaps[i]!.id);
        else if (change) changes.push(change);
      });
      pending = pending.filter((id) => lost.has(id));
    }
    return changes;
  }

  async function deleted(ref: string, ids: readonly string[]): Promise<CallChange[]> {
    const changes: CallChange[] = [];
    let pending = [...new Set(ids)];
    for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
      const stored = await store.get(ref, pending);
      const swaps: Swap[] = [];
      const made: CallChange[] = [];
      pending.forEach((id, i) => {
        const raw = stored[i];
        const old = decodeEntry(raw);
        if (old?.state !== 'live') return;
        const tomb: IndexEntry = {
          state: 'deleted',
          isPrivate: old.isPrivate,
          started: old.started,
          deletedAt: opts.now(),
        };
        swaps.push({ id, expected: raw, next: encodeEntry(tomb), started: old.started });
        made.push({
          kind: 'DELETED',
          callId: id,
          changedFields: [],
          isPrivate: old.isPrivate,
          from: versionOf(old),
          to: undefined,
          source: 'confirm',
        });
      });
      const done = await store.swap(ref, swaps);
      const lost = new Set<string>();
      done.forEach((ok, i) => (ok ? changes.push(made[i]!) : lost.add(swaps[i]!.id)));
      pending = pending.filter((id) => lost.has(id));
    }
    return changes;
  }

  return {
    observe,
    deleted,
    async entries(ref, ids) {
      return (await store.get(ref, ids)).map(decodeEntry);
    },
    async live(ref, from, to) {
      return (await store.range(ref, from, to))
        .filter(([, raw]) => decodeEntry(raw)?.state === 'live')
        .map(([id]) => id);
    },
    async prune(ref, before, tombstoneMs) {
      const now = opts.now();
      const swaps: Swap[] = [];
      for (const [id, raw] of await store.range(ref, 0, before)) {
        const e = decodeEntry(raw);
        if (e?.state === 'deleted' && e.deletedAt + tombstoneMs > now) continue;
        swaps.push({ id, expected: raw, next: undefined, started: e?.started ?? 0 });
      }
      const done = await store.swap(ref, swaps);
      return done.filter(Boolean).length;
    },
  };
}
