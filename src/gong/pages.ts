/**
 * Page iteration over Gong's cursor pagination (docs/gong-contract.md §3). Gong's cursors expire
 * ("Failed to verify cursor", "cursor has expired"); peers lost records by giving up there, so an
 * expired cursor restarts the iteration from the first page and items already yielded are skipped
 * by id.
 */
import { isCursorExpiredError } from './errors.js';
import type { Page } from './types.js';

export interface IteratePagesOptions<T> {
  /** Fetches one page; `undefined` means the first. Other inputs must stay the same between pages. */
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  /** Identity used to de-duplicate across restarts. */
  idOf: (item: T) => string;
  /** Restarts allowed after an expired cursor before the error is passed on. @default 3 */
  maxRestarts?: number;
  /** Stop after this many pages (a safety net against a cursor loop). @default 10000 */
  maxPages?: number;
}

/** Yields every item of every page once, in Gong's order. */
export async function* iteratePages<T>(opts: IteratePagesOptions<T>): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  const maxRestarts = opts.maxRestarts ?? 3;
  const maxPages = opts.maxPages ?? 10_000;
  let restarts = 0;
  let pages = 0;
  let cursor: string | undefined;
  for (;;) {
    let page: Page<T>;
    try {
      page = await opts.fetchPage(cursor);
    } catch (err) {
      if (cursor !== undefined && isCursorExpiredError(err) && restarts < maxRestarts) {
        restarts += 1;
        cursor = undefined;
        continue;
      }
      throw err;
    }
    pages += 1;
    for (const item of page.items) {
      const id = opts.idOf(item);
      if (seen.has(id)) continue;
      seen.add(id);
      yield item;
    }
    const next = page.records.cursor ?? undefined;
    if (next === undefined || next === '' || pages >= maxPages) return;
    cursor = next;
  }
}

/** Every item of every page, de-duplicated by id. */
export async function collectPages<T>(opts: IteratePagesOptions<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iteratePages(opts)) out.push(item);
  return out;
}
