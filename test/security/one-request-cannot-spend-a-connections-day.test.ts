/**
 * One request could spend a connection's day: each alias of `gongFlows(workspaceId:)` was a full
 * per-user fan-out, `_entities` had no size cap (19,000 ids made another client of the connection
 * wait 18.9 s), a batch multiplied every per-operation limit by its length, and the 925 requests a
 * batch queued were still sent after its client disconnected. Now:
 * - every operation has a ceiling on the Gong requests it may cause
 *   (GONG_MAX_REQUESTS_PER_OPERATION): estimated before execution from the selection, the
 *   arguments and what is cached (counts zero), refused with UPSTREAM_CEILING_EXCEEDED naming the
 *   estimate and the ceiling before anything is spent, and enforced during execution;
 * - `_entities` takes at most GRAPHQL_MAX_ENTITIES representations;
 * - a batch counts as one request for cost, aliases and the ceiling;
 * - the queued Gong requests of a client that went away are dropped before they are sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { startEventGateway, type EventGateway } from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';
import { SANDBOX_TEST_OPTIONS } from '../support/gateway.js';
import { TRANSPORTS, operationOver } from './transports.js';

const KEY = { authorization: 'Bearer ceiling-key' };
/** `n` aliases of the flows fan-out, each for another (uncached) workspace id from `from`. */
const flows = (n: number, from = 1) =>
  `{ ${Array.from({ length: n }, (_, i) => `f${i}: gongFlows(workspaceId: "${100000000000000000 + from + i}", first: 1) { nodes { id } }`).join(' ')} }`;

describe('a ceiling on the Gong requests of one operation', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  let url: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ ...SANDBOX_TEST_OPTIONS, users: 10, calls: 20 });
    gw = await startEventGateway(sandbox, {
      GATEWAY_API_KEYS: 'ceiling-key',
      CACHE_TTL_SECONDS: '300',
      CACHE_MAX_BYTES: String(16 << 20),
      GONG_MAX_REQUESTS_PER_OPERATION: '30',
      GRAPHQL_MAX_ENTITIES: '50',
      GRAPHQL_MAX_ALIASES: '6',
    });
    url = gw.gateway.url;
    // The users list cached: the flows fan-out is known to be the users list (one page), then one
    // request per each of 10 users.
    const warm = await operationOver(
      'http-post',
      url,
      '{ gongUsers(first: 1) { nodes { id } } }',
      KEY,
    );
    expect(warm.errors).toEqual([]);
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it.each(TRANSPORTS)(
    'refuses over %s an operation estimated past the ceiling, before any Gong request',
    async (t) => {
      sandbox.control.resetLog();
      const o = await operationOver(t, url, flows(4), KEY);
      expect(o.errors.map((e) => e.code)).toEqual(['UPSTREAM_CEILING_EXCEEDED']);
      expect(o.errors[0]?.extensions).toMatchObject({ estimate: 44, ceiling: 30 });
      expect(sandbox.control.counters()).toEqual({});
    },
  );

  it('runs the same fan-out within the ceiling', async () => {
    sandbox.control.resetLog();
    const o = await operationOver('http-post', url, flows(2), KEY);
    expect(o.errors).toEqual([]);
    const sent = sandbox.control.counters()['GET /v2/flows'] ?? 0;
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(sent).toBeLessThanOrEqual(30);
  });

  it('caps _entities at GRAPHQL_MAX_ENTITIES representations, before any Gong request', async () => {
    sandbox.control.resetLog();
    const representations = Array.from({ length: 51 }, (_, i) => ({
      __typename: 'GongUser',
      id: String(200000000000000000 + i),
    }));
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on GongUser { id } } }',
        variables: { r: representations },
      }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(res.status).toBe(400);
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(sandbox.control.counters()).toEqual({});
  });

  it('counts a batch as one request: limits and the ceiling apply to its operations together', async () => {
    sandbox.control.resetLog();
    const post = async (ops: string[]) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...KEY, 'content-type': 'application/json' },
        body: JSON.stringify(ops.map((query) => ({ query }))),
      });
      return (await res.json()) as { errors?: { extensions: { code: string } }[] }[];
    };
    // Two operations of 22 estimated requests each: the second passes the batch's ceiling.
    const ceiling = await post([flows(2, 11), flows(2, 13)]);
    expect(ceiling[0]?.errors).toBeUndefined();
    expect(ceiling[1]?.errors?.[0]?.extensions.code).toBe('UPSTREAM_CEILING_EXCEEDED');
    // Four aliases each, within GRAPHQL_MAX_ALIASES alone, not together.
    const aliases = await post([
      '{ a: gongWorkspaces { id } b: gongWorkspaces { id } c: gongWorkspaces { id } d: gongWorkspaces { id } }',
      '{ a: gongWorkspaces { id } b: gongWorkspaces { id } c: gongWorkspaces { id } d: gongWorkspaces { id } }',
    ]);
    expect(aliases[0]?.errors).toBeUndefined();
    expect(aliases[1]?.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('the ceiling during execution, and clients that go away', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    // 350 users: the users list is four pages, though a first page of 10 looks like one.
    sandbox = await startSandbox({ ...SANDBOX_TEST_OPTIONS, users: 350, calls: 5 });
    gw = await startEventGateway(sandbox, {
      GATEWAY_API_KEYS: 'ceiling-key',
      CACHE_TTL_SECONDS: '300',
      GONG_MAX_REQUESTS_PER_OPERATION: '3',
      GONG_RATE_PER_SECOND: '1',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it('refuses the request that would pass the ceiling, unsent, when the estimate was short', async () => {
    sandbox.control.resetLog();
    const o = await operationOver(
      'http-post',
      gw.gateway.url,
      '{ gongUsers(first: 10) { nodes { id } } }',
      KEY,
    );
    expect(o.errors.map((e) => e.code)).toEqual(['UPSTREAM_CEILING_EXCEEDED']);
    expect(sandbox.control.counters()).toEqual({ 'GET /v2/users': 3 });
  });

  it("drops a client's queued requests once it went away", async () => {
    // Three calls read one by one at one request a second: two wait in the queue.
    sandbox.control.resetLog();
    const ac = new AbortController();
    const pending = fetch(gw.gateway.url, {
      method: 'POST',
      signal: ac.signal,
      headers: { ...KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ ${Array.from({ length: 3 }, (_, i) => `c${i}: gongCall(id: "30000000000000000${i}") { id }`).join(' ')} }`,
      }),
    }).catch(() => undefined);
    await eventually(() =>
      Promise.resolve(gw.gateway.clients.stats('default').queueDepth > 0 || undefined),
    );
    const sentBefore = Object.values(sandbox.control.counters()).reduce((a, b) => a + b, 0);
    ac.abort();
    await pending;
    await eventually(() =>
      Promise.resolve(gw.gateway.clients.stats('default').queueDepth === 0 || undefined),
    );
    const sent = Object.values(sandbox.control.counters()).reduce((a, b) => a + b, 0);
    expect(sent).toBe(sentBefore);
    expect(sent).toBeLessThan(3);
  });
});
