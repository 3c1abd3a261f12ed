/**
 * The changes half of a sync step: what happened to calls since the chain's position in the
 * connection's call.changed events (the change index derives them from every read, webhook and
 * sweep). A change a sync of this kind cares about is either delivered again (the record as it is
 * now, once per version: a version the chain already delivered is skipped) or reported in
 * `removedCallIds` (deleted, or made private while the sync leaves private calls out). Only the
 * latest change of each call in the events read counts. The position moves past what was read, so
 * each change is acted on once per chain.
 */
import { badInput } from '../../errors.js';
import type { EventLog } from '../../events/event-log.js';
import { readCallChanged, type CallChangedData } from '../../events/payloads.js';
import type { Delivered } from '../../sync/sync-state.js';
import { changedSince } from './scan.js';

export type ChangeAction = 'deliver' | 'remove';

export interface ChangesOptions<R> {
  log: EventLog;
  connectionRef: string;
  /** The last event the chain consumed. */
  after: string;
  /** Records that may be delivered in this step. */
  first: number;
  /** Events read per step. @default 1000 */
  maxEvents?: number;
  actionOf(change: CallChangedData): ChangeAction | undefined;
  /** The records of these calls as they are now (absent: none, or not to be served). */
  fetchByIds(ids: string[]): Promise<R[]>;
  idOf(record: R): string;
  /** Records to leave out (the privacy rule). */
  keep?: (record: R) => boolean;
  versionOf?: (record: R) => string | undefined;
  /** The chain's deliveries; updated in place. */
  seen: Delivered;
  now: number;
}

export interface ChangesStep<R> {
  /** The log no longer knows the chain's position (a restart of an in-memory log, a flushed Redis): changes since it are lost, and the chain goes on from the newest. */
  lost?: boolean;
  records: R[];
  removed: string[];
  /** The last event read. */
  position: string;
  /** Events remain after `position`. */
  more: boolean;
}

export async function readChanges<R>(opts: ChangesOptions<R>): Promise<ChangesStep<R>> {
  const maxEvents = opts.maxEvents ?? 1000;
  const r = await opts.log.replay('call.changed', opts.connectionRef, opts.after, maxEvents);
  if (!r.ok && r.problem === 'unknown') {
    const newest = await opts.log.lastEventId('call.changed', opts.connectionRef);
    return { records: [], removed: [], position: newest, more: false, lost: true };
  }
  if (!r.ok)
    throw badInput(
      r.problem === 'malformed'
        ? 'checkpoint: its position in the change events is malformed'
        : 'checkpoint: the changes since it are no longer kept (EVENT_RETENTION_HOURS): start a new sync without a checkpoint and replace your copy',
      { field: 'checkpoint', reason: 'CHANGES_PAST_RETENTION' },
    );
  const actions = new Map<string, ChangeAction>();
  const delivering = () => [...actions.values()].filter((a) => a === 'deliver').length;
  let position = opts.after;
  let read = 0;
  for (const e of r.events) {
    const d = readCallChanged(e.data);
    const action = d && opts.actionOf(d);
    if (d && action) {
      if (action === 'deliver' && actions.get(d.callId) !== 'deliver' && delivering() >= opts.first)
        break;
      // The latest change of a call decides, in the order of its latest change.
      actions.delete(d.callId);
      actions.set(d.callId, action);
    }
    position = e.eventId;
    read += 1;
  }
  const ids = (want: ChangeAction) => [...actions].filter(([, a]) => a === want).map(([id]) => id);
  const removed = ids('remove');
  const deliver = ids('deliver');
  const records: R[] = [];
  for (const record of deliver.length > 0 ? await opts.fetchByIds(deliver) : []) {
    if (opts.keep && !opts.keep(record)) continue;
    const id = opts.idOf(record);
    const version = opts.versionOf?.(record);
    if (!changedSince(opts.seen.get(id), version)) continue;
    records.push(record);
    opts.seen.set(id, { bound: opts.now, ...(version !== undefined ? { version } : {}) });
  }
  for (const id of removed) opts.seen.delete(id);
  return {
    records,
    removed,
    position,
    more: read < r.events.length || r.events.length >= maxEvents,
  };
}
