/**
 * Newest-first pages over a list Gong only returns oldest first. Gong sorts by start inside a
 * date window and pages forward, so we walk windows back from the upper bound, sized from the
 * density Gong's own `records.totalRecords` shows, aiming for one 100-record page per window.
 * Cursors are keysets (start, id) plus the density, not Gong cursors: they never expire and a call
 * arriving late between pages neither repeats nor shifts another (README "Newest first").
 */
import { z } from 'zod';
import type { Page } from '../gong/types.js';
import { PAGE_SIZE } from '../gong/wire/common.js';
import { decodeOpaque, encodeOpaque } from './cursor.js';
import { connectionOf, type Connection, type Edge } from './paging.js';

/** How many calls a window should hold: under Gong's 100-record page, with room for estimation error. */
const TARGET = (PAGE_SIZE * 9) / 10;
/** A window over this many records (two pages) is re-sized instead of paged through (paging would cost more). */
const PAGE_THROUGH_MAX = 2 * PAGE_SIZE;

export const DescCursor = z.object({
  /** Start (ms) and id of the record just before the position (the newest not yet served is older). */
  s: z.number().int(),
  i: z.string(),
  /** Gong's count for the whole window on the first page (totalCount), and records consumed so far. */
  t: z.number().int().min(0),
  n: z.number().int().min(0),
  /** Calls per ms last seen near the position, to size the next window. */
  r: z.number().min(0).optional(),
  /** Past the last record. */
  e: z.literal(true).optional(),
  /** Fixed request inputs (resolved date window, endpoint kind). */
  w: z.record(z.string(), z.string()),
});
export type DescCursor = z.infer<typeof DescCursor>;

export const decodeDescCursor = (after: string | null | undefined): DescCursor | undefined =>
  after === null || after === undefined ? undefined : decodeOpaque(DescCursor, after, 'after');

export interface NewestFirstOptions<R extends Listed, T> {
  first: number;
  after: DescCursor | undefined;
  /** `from`/`to` (ISO, `[from, to)`) when the read has a date window; absent for an ids-only read. */
  fixed: Record<string, string>;
  /** One Gong page of the window `[from, to)`, oldest first. */
  fetchPage(
    window: { from?: string; to?: string },
    gongCursor: string | undefined,
  ): Promise<Page<R>>;
  keep?: (record: R) => boolean;
  toNode(record: R): T;
}

/** The fields of a call the walk orders on. */
export interface Listed {
  metaData: { id: string; started?: string | undefined | null };
}

const startOf = (r: Listed): number => Date.parse(r.metaData.started ?? '') || 0;
/** Newest first; the id breaks ties the same way on every page. */
const newer = (a: Listed, b: Listed): number =>
  startOf(b) - startOf(a) ||
  (b.metaData.id < a.metaData.id ? -1 : b.metaData.id > a.metaData.id ? 1 : 0);
const iso = (ms: number): string => new Date(ms).toISOString();

export async function readNewestFirst<R extends Listed, T>(
  opts: NewestFirstOptions<R, T>,
): Promise<Connection<T>> {
  const { first, after, fixed } = opts;
  const edges: Edge<T>[] = [];
  if (after?.e)
    return connectionOf(edges, { hasNextPage: false, totalCount: after.t, after: true });

  const lo = fixed.from === undefined ? undefined : Date.parse(fixed.from);
  // Exclusive bound just past the last served record: ties on its start are filtered by id below.
  let hi = after ? after.s + 1 : fixed.to === undefined ? undefined : Date.parse(fixed.to);
  const olderThanPosition = (r: R): boolean =>
    !after || newer({ metaData: { id: after.i, started: iso(after.s) } }, r) < 0;
  let total = after?.t;
  let rate = after?.r;
  let served = after?.n ?? 0;
  let hasNextPage = false;
  let lastRead: R | undefined;
  let narrowed = 0;

  while (served - (after?.n ?? 0) < first) {
    if (lo !== undefined && hi !== undefined && hi <= lo) break;
    const left = total === undefined ? undefined : total - served;
    // Unknown density, or the rest fits one window: read down to the lower bound.
    const whole =
      lo === undefined ||
      hi === undefined ||
      rate === undefined ||
      rate === 0 ||
      (left !== undefined && left <= TARGET);
    const a = whole ? lo : Math.max(lo, Math.floor((hi as number) - TARGET / (rate as number)));
    const read = await readWindow(opts, a, hi, narrowed < 4);
    if (total === undefined) total = read.count;
    if (read.records === undefined) {
      // More than a page-through is worth: re-size from the density of the window's newest part.
      rate = read.rate;
      narrowed++;
      continue;
    }
    if (a !== undefined && hi !== undefined)
      rate = read.count > 0 ? read.count / (hi - a) : (rate ?? 0) / 4;
    const fresh = read.records.filter(olderThanPosition).sort(newer);
    const room = first - (served - (after?.n ?? 0));
    const taken = fresh.slice(0, room);
    for (const r of taken) {
      served++;
      lastRead = r;
      if (opts.keep && !opts.keep(r)) continue;
      edges.push({ cursor: encodeOpaque(cursorAt(r, served)), node: opts.toNode(r) });
    }
    if (fresh.length > taken.length) {
      hasNextPage = true;
      break;
    }
    if (a === undefined || a === lo) {
      hasNextPage = false;
      break;
    }
    hi = a;
    hasNextPage = (total ?? 0) - served > 0;
  }
  // The end cursor sits after the last record consumed, private or not, so none is read twice.
  const endCursor = lastRead
    ? encodeOpaque(cursorAt(lastRead, served))
    : ((after && encodeOpaque(after)) ?? null);
  return connectionOf(edges, {
    hasNextPage,
    endCursor,
    totalCount: total ?? 0,
    after: after !== undefined,
  });

  function cursorAt(r: Listed, n: number): DescCursor {
    return {
      s: startOf(r),
      i: r.metaData.id,
      t: total ?? 0,
      n,
      ...(rate === undefined ? {} : { r: rate }),
      w: fixed,
    };
  }
}

/**
 * Every record of `[a, hi)` (one Gong request, two when it holds up to PAGE_THROUGH_MAX), or
 * just the density of its newest part when it holds more, so the caller can narrow it.
 */
async function readWindow<R extends Listed, T>(
  opts: NewestFirstOptions<R, T>,
  a: number | undefined,
  hi: number | undefined,
  mayNarrow: boolean,
): Promise<{ count: number; records?: R[]; rate?: number }> {
  const window = {
    ...(a === undefined ? {} : { from: iso(a) }),
    ...(hi === undefined ? {} : { to: iso(hi) }),
  };
  const page = await opts.fetchPage(window, undefined);
  const count = page.records.totalRecords;
  const records = [...page.items];
  let next = page.records.cursor ?? undefined;
  const narrowable = mayNarrow && a !== undefined && hi !== undefined && hi - a > 1000;
  if (next && count > PAGE_THROUGH_MAX && narrowable) {
    const oldestNewest = startOf(records.at(-1) as Listed);
    return { count, rate: (count - records.length) / Math.max(1, hi - oldestNewest) };
  }
  while (next) {
    const more = await opts.fetchPage(window, next);
    records.push(...more.items);
    next = more.records.cursor ?? undefined;
  }
  return { count, records };
}
