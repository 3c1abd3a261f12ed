/**
 * The full flows read (one GET /v2/flows per active user): an owner Gong refuses with a 4xx other
 * than 401/429 is skipped and logged instead of failing the read (Gong's answer for unlicensed or
 * inactive owners is undocumented); a 429 still fails it. Once it has data, a query past the TTL
 * gets the cached flows even while the refresh fails, and the refresh runs in the background.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { captureLogs } from '../support/log-capture.js';
import { codes, startHarness, type Harness } from './harness.js';

const FLOWS = '{ gongFlows(first: 100) { totalCount nodes { id name } } }';
type Flows = { gongFlows: { totalCount: number; nodes: { id: string; name: string }[] } };

describe('gongFlows full read, owners Gong refuses', () => {
  let h: Harness;
  const logs = captureLogs();
  beforeAll(async () => {
    h = await startHarness({
      sandbox: { users: 30, calls: 20 },
      deps: () => ({ logger: createLogger({ level: 'info', destination: logs.stream }) }),
    });
  });
  afterAll(() => h?.close());

  it('skips and logs owners answered 400, 403 or 404, and keeps everyone else', async () => {
    const all = await h.gql<Flows>(FLOWS);
    expect(all.errors).toBeUndefined();
    const allIds = all.data!.gongFlows.nodes.map((n) => n.id);
    for (const status of [403, 404] as const) {
      h.reset();
      const before = logs.lines().length;
      h.sandbox.control.addFault({
        pathPrefix: '/v2/flows',
        count: 2,
        kind: { type: 'status', status },
      });
      const some = await h.gql<Flows>(FLOWS);
      h.sandbox.control.clearFaults();
      expect(some.errors).toBeUndefined();
      const refused = h
        .upstream()
        .filter((e) => e.path === '/v2/flows' && e.status >= 400)
        .map((e) => e.status);
      expect(refused.filter((s) => s === status)).toHaveLength(2);
      // The sandbox's own 400s (owners without an Engage license) are skipped the same way.
      expect(refused.every((s) => s === status || s === 400)).toBe(true);
      expect(some.data!.gongFlows.nodes.length).toBeGreaterThan(0);
      for (const f of some.data!.gongFlows.nodes) expect(allIds).toContain(f.id);
      const skipped = logs
        .lines()
        .slice(before)
        .filter((l) => l.msg === 'flows of one owner skipped: Gong refused that owner');
      expect(skipped.map((l) => l.status).sort()).toEqual([...refused].sort());
      expect(JSON.stringify(skipped)).not.toMatch(/@/); // owners are logged by user id, not email
    }
  });

  it('fails the read on a 429 (the budget concerns every owner)', async () => {
    h.sandbox.control.addFault({
      pathPrefix: '/v2/flows',
      count: 1,
      kind: { type: 'status', status: 429, retryAfterSeconds: 1 },
    });
    const r = await h.gql<Flows>(FLOWS);
    h.sandbox.control.clearFaults();
    expect(codes(r)).toEqual(['UPSTREAM_RATE_LIMITED']);
  });
});

describe('gongFlows full read past its TTL', () => {
  let h: Harness;
  let clock = Date.now();
  beforeAll(async () => {
    h = await startHarness({
      sandbox: { users: 30, calls: 20 },
      env: { CACHE_TTL_SECONDS: '60', CACHE_FLOWS_TTL_SECONDS: '60' },
      deps: () => ({ now: () => clock }),
    });
  });
  afterAll(() => h?.close());

  it('answers from the cache while the refresh runs (even when it fails), then from the refreshed read', async () => {
    const first = await h.gql<Flows>(FLOWS);
    expect(first.errors).toBeUndefined();
    const owners = h.upstream().filter((e) => e.path === '/v2/flows').length;
    expect(owners).toBeGreaterThan(10);

    clock += 61_000;
    h.reset();
    // The refresh's users page fails: a query that waited for it would fail too.
    h.sandbox.control.addFault({
      pathPrefix: '/v2/users',
      count: 1,
      kind: { type: 'status', status: 500 },
    });
    const stale = await h.gql<Flows>(FLOWS);
    expect(stale.errors).toBeUndefined();
    expect(stale.data).toEqual(first.data);
    await h.gateway.cache.settled();
    expect(h.upstream().map((e) => `${e.endpoint} ${e.status}`)).toEqual(['GET /v2/users 500']);

    h.reset();
    const again = await h.gql<Flows>(FLOWS);
    expect(again.data).toEqual(first.data);
    await h.gateway.cache.settled();
    // One background refresh: the users page(s) and one request per owner, none of them by a waiting query.
    expect(h.upstream().filter((e) => e.path === '/v2/flows')).toHaveLength(owners);

    h.reset();
    expect((await h.gql<Flows>(FLOWS)).data).toEqual(first.data);
    expect(h.upstream()).toHaveLength(0); // fresh again
  });
});
