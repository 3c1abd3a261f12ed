/**
 * With full reads cached, gongUsers pages through one cached copy of GET /v2/users (every Gong
 * page read once per CACHE_TTL_SECONDS), and a listed user costs nothing to look up by id.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    sandbox: { users: 230, calls: 5 },
    env: { CACHE_TTL_SECONDS: '300', CACHE_MAX_BYTES: String(64 << 20) },
  });
});
afterAll(() => h.close());

type UsersPage = {
  gongUsers: {
    nodes: { id: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

const readAll = async (first: number) => {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const r: Awaited<ReturnType<typeof h.gql<UsersPage>>> = await h.gql<UsersPage>(
      'query ($first: Int, $after: String) { gongUsers(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
      { first, after },
    );
    expect(r.errors).toBeUndefined();
    ids.push(...r.data!.gongUsers.nodes.map((n) => n.id));
    after = r.data!.gongUsers.pageInfo.hasNextPage ? r.data!.gongUsers.pageInfo.endCursor : null;
  } while (after !== null);
  return ids;
};

it('reads every Gong page of users once, then serves any paging of it from the copy', async () => {
  h.reset();
  const byFifty = await readAll(50);
  expect(h.sandbox.control.counters()).toEqual({ 'GET /v2/users': 3 });
  expect(new Set(byFifty).size).toBe(byFifty.length);
  expect(byFifty.length).toBeGreaterThanOrEqual(230);

  h.reset();
  expect(await readAll(7)).toEqual(byFifty);
  const one = await h.gql<{ gongUser: { id: string } | null }>(
    'query ($id: ID!) { gongUser(id: $id) { id } }',
    { id: byFifty[123] },
  );
  expect(one.data?.gongUser?.id).toBe(byFifty[123]);
  expect(h.sandbox.control.counters()).toEqual({});
});
