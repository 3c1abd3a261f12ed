/**
 * CACHE_MAX_BYTES bounds the in-memory entity cache: a flood of distinct calls with every section
 * evicts the least recently used, the bytes held never pass the bound, and reads stay correct.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';

const MAX = 150_000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    sandbox: { users: 20, calls: 300 },
    env: { CACHE_MAX_BYTES: String(MAX) },
  });
});
afterAll(() => h.close());

const FULL = `nodes { id title parties { name context { system } } content { brief topics { name } trackers { name count occurrences { startTime } } outline { section } highlights { title } keyPoints { text } }
  interaction { speakers { talkTime } interactionStats { name value } questions { companyCount } } collaboration { publicComments { comment } } }`;

it('keeps the bytes held within CACHE_MAX_BYTES while distinct calls flood in', async () => {
  let after: string | null = null;
  let seen = 0;
  do {
    const r: Awaited<
      ReturnType<
        typeof h.gql<{
          gongCalls: {
            nodes: { id: string }[];
            pageInfo: { endCursor: string | null; hasNextPage: boolean };
          };
        }>
      >
    > = await h.gql(
      `query ($after: String) { gongCalls(first: 50, after: $after, filter: { includePrivate: true, from: "2000-01-01T00:00:00Z" }) { ${FULL} pageInfo { endCursor hasNextPage } } }`,
      { after },
    );
    expect(r.errors).toBeUndefined();
    seen += r.data!.gongCalls.nodes.length;
    after = r.data!.gongCalls.pageInfo.hasNextPage ? r.data!.gongCalls.pageInfo.endCursor : null;
    expect(
      (await h.gateway.metrics.entityCacheBytes.get()).values[0]?.value ?? 0,
    ).toBeLessThanOrEqual(MAX);
  } while (after !== null);
  expect(seen).toBe(h.sandbox.control.allCalls().length);
  const evicted = (await h.gateway.metrics.entityEvictions.get()).values
    .filter((v) => v.labels.reason === 'size')
    .reduce((n, v) => n + v.value, 0);
  expect(evicted).toBeGreaterThan(0);
  const held = (await h.gateway.metrics.entityCacheBytes.get()).values[0]?.value ?? 0;
  expect(held).toBeGreaterThan(MAX / 2);

  // The least recently used went first: a call from the first page is asked of Gong again.
  const first = h.sandbox.control.allCalls()[0]!.metaData.id;
  h.reset();
  const one = await h.gql<{ gongCall: { id: string } | null }>(
    `query ($id: ID!) { gongCall(id: $id, includePrivate: true) { id title parties { name } } }`,
    { id: first },
  );
  expect(one.data?.gongCall?.id).toBe(first);
  expect(h.sandbox.control.counters()).toEqual({ 'POST /v2/calls/extensive': 1 });
});
