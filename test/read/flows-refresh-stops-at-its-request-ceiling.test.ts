/**
 * The full flows read sends at most FLOWS_REFRESH_MAX_REQUESTS requests (the users list included):
 * past it, the owners never read go first on the next refresh, the others keep their last answer,
 * and `freshness` says how much of the read is current. Counted from the sandbox's request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const CEILING = 10;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { users: 30, calls: 50 },
    env: { CACHE_TTL_SECONDS: '300', FLOWS_REFRESH_MAX_REQUESTS: String(CEILING) },
  });
});
afterAll(() => h.close());

interface Freshness {
  owners: number;
  ownersRead: number;
  ownersRefreshed: number;
  oldestOwnerReadAt: string | null;
}
const QUERY = `{ gongFlows(first: 100) { totalCount nodes { id }
  freshness { owners ownersRead ownersRefreshed refreshedAt oldestOwnerReadAt } } }`;

async function read(refresh: boolean) {
  h.reset();
  const r = await h.gql<{ gongFlows: { totalCount: number; freshness: Freshness } }>(
    QUERY,
    {},
    refresh ? { 'cache-control': 'no-cache' } : {},
  );
  expect(r.errors).toBeUndefined();
  const owners = h
    .upstream()
    .filter((e) => e.endpoint === 'GET /v2/flows')
    .map((e) => e.query.flowOwnerEmail);
  return { flows: r.data!.gongFlows, requests: h.upstream().length, owners };
}

describe('the flows refresh', () => {
  it('stops at its ceiling, re-reads the owners not read yet first, and shows its staleness', async () => {
    const first = await read(false);
    expect(first.requests).toBe(CEILING); // one users page, nine owners
    const total = first.flows.freshness.owners;
    expect(total).toBeGreaterThan(2 * (CEILING - 1));
    expect(first.flows.freshness).toMatchObject({
      ownersRead: CEILING - 1,
      ownersRefreshed: CEILING - 1,
    });

    const cached = await read(false);
    expect(cached.requests).toBe(0);

    const second = await read(true);
    expect(second.requests).toBe(CEILING);
    expect(second.owners.filter((o) => first.owners.includes(o))).toEqual([]);
    expect(second.flows.freshness).toMatchObject({
      ownersRead: 2 * (CEILING - 1),
      ownersRefreshed: CEILING - 1,
    });
    expect(second.flows.totalCount).toBeGreaterThanOrEqual(first.flows.totalCount);

    // Refreshes go round: every owner is read within ceil(owners / 9) of them.
    let last = second;
    for (let i = 2; i < Math.ceil(total / (CEILING - 1)); i++) last = await read(true);
    expect(last.flows.freshness.ownersRead).toBe(total);
    expect(last.requests).toBeLessThanOrEqual(CEILING);
  });
});
