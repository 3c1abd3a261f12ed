/**
 * The one page walker over Gong's cursor pagination (docs/gong-contract.md §3); every paging loop
 * of the gateway goes through it. Gong's cursors expire ("Failed to verify cursor", "cursor has
 * expired"); peers lost records by giving up there, so an expired cursor restarts from the first
 * page, a bounded number of times. A cursor loop (Gong handing back a cursor it already gave) ends
 * the walk, as does `maxPages`. Layer 5 of the read layers (./README.md).
 */
import { isCursorExpiredError } from '../errors.js';
import type { Page } from '../types.js';

export interface WalkPagesOptions<T> {
  /** Fetches one page; `undefined` means the first. Other inputs must stay the same between pages. */
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  /** Where to start (a paused scan resumes at Gong's cursor). @default the first page */
  start?: string | undefined;
  /** Restarts allowed after an expired cursor before the error is passed on. @default 3 */
  maxRestarts?: number;
  /** Stop after this many pages (a safety net against a cursor loop). @default 10000 */
  maxPages?: number;
}

/** One step of a walk: a page with the cursor that fetched it, or a restart from the first page. */
export type PageStep<T> =
  { kind: 'page'; page: Page<T>; cursor: string | undefined } | { kind: 'restart' };

/** Walks Gong's pages in order; after a `restart` step the pages come again from the first. */
export async function* walkPages<T>(
  opts: WalkPagesOptions<T>,
): AsyncGenerator<PageStep<T>, void, undefined> {
  const maxRestarts = opts.maxRestarts ?? 3;
  const maxPages = opts.maxPages ?? 10_000;
  let restarts = 0;
  let pages = 0;
  let cursor = opts.start;
  const given = new Set<string>();
  for (;;) {
    let page: Page<T>;
    try {
      page = await opts.fetchPage(cursor);
    } catch (err) {
      if (cursor !== undefined && isCursorExpiredError(err) && restarts < maxRestarts) {
        restarts += 1;
        cursor = undefined;
        given.clear();
        yield { kind: 'restart' };
        continue;
      }
      throw err;
    }
    pages += 1;
    yield { kind: 'page', page, cursor };
    const next = page.records.cursor ?? undefined;
    if (next === undefined || next === '' || pages >= maxPages || given.has(next)) return;
    given.add(next);
    cursor = next;
  }
}

export interface IteratePagesOptions<T> extends WalkPagesOptions<T> {
  /** Identity used to de-duplicate across restarts. */
  idOf: (item: T) => string;
}

/** Yields every item of every page once, in Gong's order. */
export async function* iteratePages<T>(
  opts: IteratePagesOptions<T>,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  for await (const step of walkPages(opts)) {
    if (step.kind === 'restart') continue;
    for (const item of step.page.items) {
      const id = opts.idOf(item);
      if (seen.has(id)) continue;
      seen.add(id);
      yield item;
    }
  }
}

/**
 * Every item of every page. With `idOf`, de-duplicated by id; without (rows that have no identity
 * of their own, such as stats per user and period), a restart drops what the walk had collected.
 */
export async function collectPages<T>(
  opts: WalkPagesOptions<T> & { idOf?: (item: T) => string },
): Promise<T[]> {
  const { idOf } = opts;
  if (idOf) {
    const out: T[] = [];
    for await (const item of iteratePages({ ...opts, idOf })) out.push(item);
    return out;
  }
  let out: T[] = [];
  for await (const step of walkPages(opts))
    out = step.kind === 'restart' ? [] : out.concat(step.page.items);
  return out;
}
