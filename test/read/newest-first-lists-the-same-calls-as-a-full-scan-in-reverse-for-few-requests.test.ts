/**
 * gongCalls(orderBy: STARTED_DESC) pages the same calls as Gong's oldest-first scan, reversed,
 * and reaches the newest ones without reading the whole window: Gong only lists oldest first, so
 * the gateway walks date windows back from `to`. Counts come from the sandbox's request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedRegistry } from '../gong/support/clients.js';
import { startHarness, type GraphQLResponse, type Harness } from './harness.js';

const DAY = 86_400_000;
let h: Harness;
let clock: number;
beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 20, calls: 1_500, days: 30 } });
  clock = Date.now();
});
afterAll(() => h?.close());

type Node = { id: string; started: string };
type Page = {
  gongCalls: {
    totalCount: number;
    nodes: Node[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};
const QUERY = `query($f: GongCallsFilter, $first: Int, $after: String, $order: GongCallOrder) {
  gongCalls(filter: $f, first: $first, after: $after, orderBy: $order) { totalCount nodes { id started } pageInfo { hasNextPage endCursor } }
}`;

/** Every page of a listing, with the upstream requests each page cost. */
async function readAll(
  filter: Record<string, unknown>,
  first: number,
  order: 'STARTED_ASC' | 'STARTED_DESC',
) {
  const nodes: Node[] = [];
  const costs: number[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let guard = 0; guard < 200; guard++) {
    h.reset();
    const r: GraphQLResponse<Page> = await h.gql<Page>(QUERY, { f: filter, first, after, order });
    expect(r.errors).toBeUndefined();
    costs.push(h.upstream().length);
    const page: Page['gongCalls'] = r.data!.gongCalls;
    if (totalCount < 0) totalCount = page.totalCount;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { nodes, costs, totalCount };
}

const newestFirst = (a: Node, b: Node) =>
  Date.parse(b.started) - Date.parse(a.started) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);

describe('gongCalls newest first', () => {
  it('returns the calls of a full scan, in reverse start order, across pages, with at most two requests a page after the first', async () => {
    const filter = {
      from: new Date(clock - 30 * DAY).toISOString(),
      to: new Date(clock).toISOString(),
      includePrivate: true,
    };
    const scan = await readAll(filter, 100, 'STARTED_ASC');
    const desc = await readAll(filter, 37, 'STARTED_DESC');

    expect(scan.nodes.length).toBeGreaterThan(1_000);
    expect(desc.totalCount).toBe(scan.totalCount);
    expect(desc.nodes.map((n) => n.id)).toEqual([...scan.nodes].sort(newestFirst).map((n) => n.id));
    expect(new Set(desc.nodes.map((n) => n.id)).size).toBe(desc.nodes.length);
    // The first page probes the whole window (totalCount) and then reads near `to`.
    expect(desc.costs[0]).toBeLessThanOrEqual(3);
    expect(Math.max(...desc.costs.slice(1))).toBeLessThanOrEqual(2);
    // Walking back costs about one request per 90 calls plus the probe: never more than twice a full scan.
    // A page is stateless (its cursor holds no Gong cursor), so it costs at least one request; the
    // extra ones are window re-sizings: about one per 90 calls walked.
    const spent = desc.costs.reduce((a, b) => a + b, 0);
    expect(spent).toBeLessThanOrEqual(desc.costs.length + Math.ceil(scan.nodes.length / 90) + 1);
  });

  it('answers "the latest ten calls" of a busy window in at most three requests, where the oldest-first scan needs every page', async () => {
    const filter = {
      from: new Date(clock - 30 * DAY).toISOString(),
      to: new Date(clock).toISOString(),
      includePrivate: true,
    };
    h.reset();
    const r = await h.gql<Page>(QUERY, { f: filter, first: 10, order: 'STARTED_DESC' });
    expect(r.errors).toBeUndefined();
    const cost = h.upstream();
    expect(cost.every((e) => e.endpoint === 'POST /v2/calls/extensive')).toBe(true);
    expect(cost.length).toBeLessThanOrEqual(3);
    expect(r.data!.gongCalls.totalCount).toBeGreaterThan(1_000);
    const starts = r.data!.gongCalls.nodes.map((n) => Date.parse(n.started));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(r.data!.gongCalls.pageInfo.hasNextPage).toBe(true);
  });

  it('leaves private calls out by default and still reaches the end', async () => {
    const filter = {
      from: new Date(clock - 3 * DAY).toISOString(),
      to: new Date(clock).toISOString(),
    };
    const all = await readAll({ ...filter, includePrivate: true }, 100, 'STARTED_ASC');
    const desc = await readAll(filter, 25, 'STARTED_DESC');
    const ascPublic = await readAll(filter, 100, 'STARTED_ASC');
    expect(desc.nodes.map((n) => n.id)).toEqual(
      [...ascPublic.nodes].sort(newestFirst).map((n) => n.id),
    );
    expect(desc.nodes.length).toBeLessThanOrEqual(all.nodes.length);
  });

  it('walks GET /v2/calls for a connection without the extensive scope, newest first as well', async () => {
    const basicOnly = await startHarness({
      sandbox: { users: 10, calls: 300, days: 30 },
      deps: (sb) => ({
        registry: scopedRegistry(sb, [
          { ref: 'default', scopes: ['api:calls:read:basic'], status: 'ACTIVE' },
        ]),
      }),
    });
    try {
      const r = await basicOnly.gql<Page>(QUERY, {
        first: 5,
        order: 'STARTED_DESC',
        f: { includePrivate: true },
      });
      expect(r.errors).toBeUndefined();
      const starts = r.data!.gongCalls.nodes.map((n) => Date.parse(n.started));
      expect(starts).toHaveLength(5);
      expect(starts).toEqual([...starts].sort((a, b) => b - a));
      expect(new Set(basicOnly.upstream().map((e) => e.endpoint))).toEqual(
        new Set(['GET /v2/calls']),
      );
    } finally {
      await basicOnly.close();
    }
  });

  it('refuses a cursor from the other order as BAD_USER_INPUT, spending nothing', async () => {
    const asc = await h.gql<Page>(QUERY, { first: 1, order: 'STARTED_ASC' });
    h.reset();
    const r = await h.gql<Page>(QUERY, {
      first: 1,
      after: asc.data!.gongCalls.pageInfo.endCursor,
      order: 'STARTED_DESC',
    });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(h.upstream()).toHaveLength(0);
  });
});
