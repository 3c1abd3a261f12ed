/**
 * Relay connections over Gong's cursor-paged lists. A GraphQL page starts at (Gong cursor,
 * offset), reads Gong pages until `first` records were consumed, and gives every edge a cursor
 * pointing just after it. Filtering (private calls) can leave a page with fewer than `first`
 * nodes; it never reads another Gong page to make up the difference.
 */
import { badInput } from '../errors.js';
import { isCursorExpiredError } from '../gong/errors.js';
import type { Page } from '../gong/types.js';
import { encodeOpaque, type PageCursor } from './cursor.js';

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Every connection's answer, built in one place. Pages go forward only, so a page has edges before
 * it exactly when it starts after a cursor. `endCursor` defaults to the last edge's; a walk that
 * consumed records past it (left out as private) passes its own so none is read twice.
 */
export function connectionOf<T>(
  edges: Edge<T>[],
  page: { hasNextPage: boolean; totalCount: number; after: boolean; endCursor?: string | null },
): Connection<T> {
  return {
    nodes: edges.map((e) => e.node),
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: page.endCursor !== undefined ? page.endCursor : (edges.at(-1)?.cursor ?? null),
      hasPreviousPage: page.after,
      startCursor: edges[0]?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

export interface ReadConnectionOptions<R, T> {
  first: number;
  after: PageCursor | undefined;
  /** Fixed inputs stored in every cursor (`w`). */
  fixed?: Record<string, string>;
  fetchPage(gongCursor: string | undefined): Promise<Page<R>>;
  /** Keep this record? (private calls are dropped unless asked for). */
  keep?: (record: R) => boolean;
  toNode(record: R): T;
}

export async function readConnection<R, T>(
  opts: ReadConnectionOptions<R, T>,
): Promise<Connection<T>> {
  const { first, after, fixed } = opts;
  const edges: Edge<T>[] = [];
  if (after?.e)
    return connectionOf(edges, { hasNextPage: false, totalCount: after.t ?? 0, after: true });

  let gongCursor = after?.g;
  let offset = after?.o ?? 0;
  let consumed = 0;
  let totalCount = 0;
  let hasNextPage = false;
  let firstPage = true;
  for (;;) {
    const page = await fetchPage(opts, gongCursor);
    if (firstPage) totalCount = page.records.totalRecords;
    firstPage = false;
    const next = page.records.cursor ?? undefined;
    const items = page.items;
    const cursorAfter = (i: number): PageCursor =>
      i + 1 < items.length
        ? { g: gongCursor, o: i + 1, w: fixed }
        : next
          ? { g: next, o: 0, w: fixed }
          : { o: 0, e: true, t: totalCount, w: fixed };

    let i = offset;
    for (; i < items.length && consumed < first; i++, consumed++) {
      const record = items[i] as R;
      if (opts.keep && !opts.keep(record)) continue;
      edges.push({ cursor: encodeOpaque(cursorAfter(i)), node: opts.toNode(record) });
    }
    if (i < items.length) {
      hasNextPage = opts.keep ? items.slice(i).some(opts.keep) || next !== undefined : true;
      break;
    }
    if (!next) break;
    if (consumed >= first) {
      hasNextPage = true;
      break;
    }
    gongCursor = next;
    offset = 0;
  }
  return connectionOf(edges, { hasNextPage, totalCount, after: after !== undefined });
}

async function fetchPage<R, T>(
  opts: ReadConnectionOptions<R, T>,
  cursor: string | undefined,
): Promise<Page<R>> {
  try {
    return await opts.fetchPage(cursor);
  } catch (e) {
    if (isCursorExpiredError(e))
      throw badInput(
        'The page cursor (`after`) has expired at Gong; restart from the first page (omit `after`)',
        { field: 'after', requestId: e.details.requestId },
      );
    throw e;
  }
}

/** An in-memory list as a single Gong-like page (full reads: flows fan-out). */
export const wholeList = <R>(items: R[]): Page<R> => ({
  items,
  records: { totalRecords: items.length, currentPageSize: items.length, currentPageNumber: 0 },
  requestId: '',
});
