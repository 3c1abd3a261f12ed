/**
 * One step of an incremental read, exactly once across late-processed data. Each scan covers
 * `[scannedTo − overlap, now)` (the first one starts `startDays` back) and skips ids the
 * checkpoint already delivered; a chain of checkpoints therefore delivers every record once,
 * including records Gong finished processing after their start time had been scanned, as long
 * as Gong's processing lag is below the overlap. An expired Gong cursor restarts the scan's
 * window (the `seen` ids keep it from delivering twice).
 */
import { isCursorExpiredError } from '../../gong/errors.js';
import type { Page } from '../../gong/types.js';
import type { Checkpoint } from './checkpoint.js';

export interface SyncStepOptions<R> {
  checkpoint: Checkpoint;
  first: number;
  overlapMs: number;
  startDays: number;
  now: number;
  fetchPage(window: { from: number; to: number }, cursor: string | undefined): Promise<Page<R>>;
  idOf(record: R): string;
  /** Upper bound (ms) of the record's start time, used to prune `seen`. */
  boundOf(record: R, window: { from: number; to: number }): number;
  /** Records to leave out (never delivered, not remembered). */
  keep?: (record: R) => boolean;
}

export interface SyncStep<R> {
  records: R[];
  checkpoint: Checkpoint;
  hasMore: boolean;
}

export async function syncStep<R>(opts: SyncStepOptions<R>): Promise<SyncStep<R>> {
  const cp = opts.checkpoint;
  const scan = cp.scan ?? {
    f: cp.s === null ? opts.now - opts.startDays * 86_400_000 : cp.s - opts.overlapMs,
    t: opts.now,
    o: 0,
  };
  const window = { from: scan.f, to: scan.t };
  const seen = new Map(cp.seen);
  const records: R[] = [];
  let cursor = scan.g;
  let offset = scan.o;
  let consumed = 0;
  let restarted = false;
  if (window.to <= window.from) return { records, hasMore: false, checkpoint: { v: 1, k: cp.k, s: cp.s ?? window.to, seen: cp.seen } };

  for (;;) {
    let page: Page<R>;
    try {
      page = await opts.fetchPage(window, cursor);
    } catch (e) {
      if (!isCursorExpiredError(e) || restarted || cursor === undefined) throw e;
      restarted = true;
      cursor = undefined;
      offset = 0;
      continue;
    }
    const items = page.items;
    let i = offset;
    for (; i < items.length && records.length < opts.first; i++, consumed++) {
      const r = items[i] as R;
      const id = opts.idOf(r);
      if (seen.has(id) || (opts.keep && !opts.keep(r))) continue;
      records.push(r);
      seen.set(id, opts.boundOf(r, window));
    }
    const next = page.records.cursor ?? undefined;
    if (i < items.length) return paused(cp, seen, records, { ...scan, g: cursor, o: i });
    if (next === undefined) {
      // Scan complete: the high-water mark moves to its upper bound; forget what no overlap can meet again.
      const scannedTo = scan.t;
      const keepAfter = scannedTo - opts.overlapMs;
      const remembered = [...seen].filter(([, bound]) => bound >= keepAfter);
      return { records, hasMore: false, checkpoint: { v: 1, k: cp.k, s: scannedTo, seen: remembered } };
    }
    cursor = next;
    offset = 0;
    if (records.length >= opts.first || consumed >= opts.first) return paused(cp, seen, records, { ...scan, g: cursor, o: 0 });
  }
}

function paused<R>(cp: Checkpoint, seen: Map<string, number>, records: R[], scan: NonNullable<Checkpoint['scan']>): SyncStep<R> {
  return { records, hasMore: true, checkpoint: { v: 1, k: cp.k, s: cp.s, seen: [...seen], scan } };
}
