/**
 * A cursor Gong hands back a second time would page forever: the walker ends the walk there
 * instead of spending the budget in a loop, and rows without an identity restart clean.
 */
import { describe, expect, it } from 'vitest';
import { CursorExpiredError } from '../../src/gong/errors.js';
import { collectPages } from '../../src/gong/reads/pages.js';
import type { Page } from '../../src/gong/types.js';

const page = (items: number[], cursor?: string): Page<number> => ({
  requestId: 'r',
  items,
  records: {
    totalRecords: 99,
    currentPageSize: items.length,
    currentPageNumber: 0,
    ...(cursor ? { cursor } : {}),
  },
});

describe('the page walker', () => {
  it('stops at a cursor it was already given, after fetching each cursor once', async () => {
    const asked: (string | undefined)[] = [];
    const pages: Record<string, Page<number>> = {
      first: page([1, 2], 'a'),
      a: page([3], 'b'),
      b: page([4], 'a'),
    };
    const all = await collectPages({
      fetchPage: (c) => (asked.push(c), Promise.resolve(pages[c ?? 'first']!)),
      idOf: String,
    });
    expect(all).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, 'a', 'b']);
  });

  it('drops what it collected when rows without ids restart after an expired cursor', async () => {
    let expired = false;
    const fetchPage = (c: string | undefined) => {
      if (c === undefined) return Promise.resolve(page(expired ? [7, 8] : [1, 2], 'next'));
      if (!expired) {
        expired = true;
        return Promise.reject(
          new CursorExpiredError('Failed to verify cursor: cursor has expired', { status: 400 }),
        );
      }
      return Promise.resolve(page([9]));
    };
    expect(await collectPages({ fetchPage })).toEqual([7, 8, 9]);
  });
});
