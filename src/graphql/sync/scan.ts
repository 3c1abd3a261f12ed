/**
 * One step of an incremental read, exactly once per version across late-processed data. Each scan covers
 * `[scannedTo − overlap, now)` (the first one starts `startDays` back) and skips ids already
 * delivered in the version it has now; a chain of checkpoints therefore delivers every record once
 * (and again when it changed), including records Gong
 * finished processing after their start time had been scanned, as long as Gong's lag is below the
 * overlap. After its window, a scan reads by id the calls the gateway learned of another way
 * since shortly before the last scan (a webhook, a create): those are delivered once whatever
 * their start. An expired Gong cursor restarts the scan's window (the delivered ids keep it from
 * delivering twice).
 */
import { walkPages } from '../../gong/reads/pages.js';
import type { Page } from '../../gong/types.js';
import { PAGE_SIZE } from '../../gong/wire/common.js';
import type { Scan } from './checkpoint.js';
import type { Delivered, Delivery, LearnedCall } from '../../sync/sync-state.js';

export interface SyncStepOptions<R> {
  /** The last completed scan's upper bound (null before the first) and the scan in progress. */
  scannedTo: number | null;
  scan: Scan | undefined;
  /** Ids already delivered, each with the upper bound of the scan that delivered it and its version; updated in place. */
  seen: Delivered;
  first: number;
  overlapMs: number;
  startDays: number;
  now: number;
  fetchPage(window: { from: number; to: number }, cursor: string | undefined): Promise<Page<R>>;
  /** Calls learned of another way in `(since, until]`, oldest first. */
  learned?(since: number, until: number): Promise<LearnedCall[]>;
  /** The records of these ids Gong shows now (absent: not processed yet). */
  fetchByIds?(ids: string[]): Promise<R[]>;
  idOf(record: R): string;
  /** Records to leave out (never delivered, not remembered). */
  keep?: (record: R) => boolean;
  /** A record's version: one delivered before is delivered again when its version changed. */
  versionOf?: (record: R) => string | undefined;
}

export interface SyncStep<R> {
  records: R[];
  scannedTo: number | null;
  scan: Scan | undefined;
  hasMore: boolean;
}

const LEARN_SLACK_MS = 3_600_000;

export async function syncStep<R>(opts: SyncStepOptions<R>): Promise<SyncStep<R>> {
  const scan: Scan = opts.scan ?? {
    f:
      opts.scannedTo === null
        ? opts.now - opts.startDays * 86_400_000
        : opts.scannedTo - opts.overlapMs,
    t: opts.now,
    o: 0,
  };
  const window = { from: scan.f, to: scan.t };
  const { seen } = opts;
  const records: R[] = [];
  if (window.to <= window.from)
    return { records, hasMore: false, scannedTo: opts.scannedTo ?? window.to, scan: undefined };
  // Every record started before the scan's upper bound, so a later window can meet it again only
  // while that bound is within the overlap (a learned call, only while learned within it too).
  const take = (r: R) => {
    const id = opts.idOf(r);
    if (opts.keep && !opts.keep(r)) return;
    const version = opts.versionOf?.(r);
    if (!changedSince(seen.get(id), version)) return;
    records.push(r);
    seen.set(id, { bound: window.to, ...(version !== undefined ? { version } : {}) });
  };

  if (scan.l === undefined) {
    let offset = scan.o;
    let consumed = 0;
    // One restart: the ids delivered so far are in `seen`, so the pages read again add nothing twice.
    for await (const step of walkPages({
      fetchPage: (cursor) => opts.fetchPage(window, cursor),
      start: scan.g,
      maxRestarts: 1,
    })) {
      if (step.kind === 'restart') {
        offset = 0;
        continue;
      }
      const { page, cursor } = step;
      const items = page.items;
      let i = offset;
      for (; i < items.length && records.length < opts.first; i++, consumed++) take(items[i] as R);
      const next = page.records.cursor ?? undefined;
      if (i < items.length) return paused(opts, records, { ...scan, g: cursor, o: i });
      if (next === undefined) break;
      offset = 0;
      if (records.length >= opts.first || consumed >= opts.first)
        return paused(opts, records, { ...scan, g: next, o: 0 });
    }
    if (records.length >= opts.first && opts.learned)
      return paused(opts, records, { f: scan.f, t: scan.t, o: 0, l: null });
  }

  if (opts.learned && opts.fetchByIds) {
    // Learned since shortly before the last scan: the overlap also covers a learned call that was not processed yet then.
    const since =
      opts.scannedTo === null ? Number.NEGATIVE_INFINITY : opts.scannedTo - opts.overlapMs;
    const after = scan.l ?? null;
    const pending = (await opts.learned(since, window.to)).filter(
      (e) =>
        (after === null || e.at > after[0] || (e.at === after[0] && e.callId > after[1])) &&
        !seen.has(e.callId) &&
        !(e.start !== undefined && e.start >= window.from),
    );
    for (let i = 0; i < pending.length;) {
      const room = opts.first - records.length;
      if (room <= 0) {
        const last = pending[i - 1] as LearnedCall;
        return paused(opts, records, { f: scan.f, t: scan.t, o: 0, l: [last.at, last.callId] });
      }
      const batch = pending.slice(i, i + Math.min(room, PAGE_SIZE));
      for (const r of await opts.fetchByIds(batch.map((e) => e.callId))) take(r);
      i += batch.length;
    }
  }

  // Scan complete: the high-water mark moves to its upper bound; forget what no overlap can meet
  // again. The slack covers a webhook that lands moments after the scan already delivered its call.
  const keepAfter = scan.t - opts.overlapMs - LEARN_SLACK_MS;
  for (const [id, d] of seen) if (d.bound < keepAfter) seen.delete(id);
  return { records, hasMore: false, scannedTo: scan.t, scan: undefined };
}

/** Whether a record is new to the chain, or a version it has not delivered (an unknown version is the same). */
export function changedSince(
  delivered: Delivery | undefined,
  version: string | undefined,
): boolean {
  if (!delivered) return true;
  return version !== undefined && delivered.version !== undefined && delivered.version !== version;
}

function paused<R>(opts: SyncStepOptions<R>, records: R[], scan: Scan): SyncStep<R> {
  return { records, hasMore: true, scannedTo: opts.scannedTo, scan };
}
