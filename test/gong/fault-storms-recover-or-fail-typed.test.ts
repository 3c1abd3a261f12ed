import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients, rejectionOf } from './support/clients.js';

const WS = 'GET /v2/workspaces';

describe('fault storms against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ rateLimit: false, users: 10, calls: 20 });
  });
  afterEach(() => {
    sb.control.clearFaults();
    sb.control.resetLog();
  });
  afterAll(() => sb.close());

  const statuses = () =>
    sb.control
      .requestLog()
      .filter((e) => e.endpoint === WS)
      .map((e) => e.status);

  it('rides out a 429 storm, pausing for Retry-After before the next request', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 50 } });
    sb.control.addFault({
      pathPrefix: '/v2/workspaces',
      kind: { type: 'status', status: 429, retryAfterSeconds: 1 },
      count: 2,
    });
    expect((await clients.client('default').listWorkspaces()).length).toBeGreaterThan(0);
    const log = sb.control.requestLog().filter((e) => e.endpoint === WS);
    expect(log.map((e) => e.status)).toEqual([429, 429, 200]);
    expect(log[1]!.at - log[0]!.at).toBeGreaterThanOrEqual(990);
    expect(log[2]!.at - log[1]!.at).toBeGreaterThanOrEqual(990);
    expect((await clients.metrics.upstreamRateLimited.get()).values[0]?.value).toBe(2);
    await clients.close();
  });

  it('fails right away with UPSTREAM_RATE_LIMITED and the retryAfter when Retry-After outlasts the deadline', async () => {
    const clients = makeClients(sb, { limits: { queueTimeoutMs: 1000, requestTimeoutMs: 1000 } });
    sb.control.addFault({
      pathPrefix: '/v2/workspaces',
      kind: { type: 'status', status: 429, retryAfterSeconds: 30 },
      count: 1,
    });
    const e = await rejectionOf(clients.client('default').listWorkspaces());
    expect(e.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(e.details.retryAfter).toBe(30);
    // The pause holds for the whole connection: the next request fails too, without reaching Gong.
    const again = await rejectionOf(clients.client('default').listUsers());
    expect(again).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', details: { retryAfter: 30 } });
    expect(sb.control.requestLog().length).toBe(1);
    await clients.close();
  });

  it.each([500, 502, 503] as const)(
    'retries a burst of %i and returns correct data',
    async (status) => {
      const clients = makeClients(sb, { limits: { perSecond: 50 } });
      sb.control.addFault({
        pathPrefix: '/v2/workspaces',
        kind: { type: 'status', status },
        count: 3,
      });
      expect((await clients.client('default').listWorkspaces()).length).toBeGreaterThan(0);
      expect(statuses()).toEqual([status, status, status, 200]);
      await clients.close();
    },
  );

  it("gives up after maxRetries with UPSTREAM_ERROR carrying Gong's requestId", async () => {
    const clients = makeClients(sb, { limits: { perSecond: 50, maxRetries: 2 } });
    sb.control.addFault({ pathPrefix: '/v2/workspaces', kind: { type: 'status', status: 503 } });
    const e = await rejectionOf(clients.client('default').listWorkspaces());
    expect(e.code).toBe('UPSTREAM_ERROR');
    expect(e.details.requestId).toMatch(/^[a-z0-9]+$/);
    expect(statuses()).toEqual([503, 503, 503]);
    await clients.close();
  });

  it('retries after a latency spike exceeds the attempt timeout', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 50, requestTimeoutMs: 300 } });
    sb.control.addFault({
      pathPrefix: '/v2/workspaces',
      kind: { type: 'latency', ms: 1500 },
      count: 1,
    });
    expect((await clients.client('default').listWorkspaces()).length).toBeGreaterThan(0);
    expect(
      (await clients.metrics.upstreamRequests.get()).values.map((v) => v.labels.status).sort(),
    ).toEqual(['200', 'timeout']);
    await clients.close();
  });

  it('retries connection resets, and reports UPSTREAM_ERROR when they never stop', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 50, maxRetries: 3 } });
    sb.control.addFault({ pathPrefix: '/v2/workspaces', kind: { type: 'reset' }, count: 2 });
    expect((await clients.client('default').listWorkspaces()).length).toBeGreaterThan(0);
    sb.control.addFault({ pathPrefix: '/v2/users', kind: { type: 'reset' } });
    const e = await rejectionOf(clients.client('default').listUsers());
    expect(e.code).toBe('UPSTREAM_ERROR');
    expect(e.message).toMatch(/after 4 attempt\(s\): connection failed/);
    await clients.close();
  });

  it('retries malformed JSON, and answers UPSTREAM_SCHEMA_MISMATCH when it persists', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 50, maxRetries: 1 } });
    sb.control.addFault({ pathPrefix: '/v2/workspaces', kind: { type: 'malformed' }, count: 1 });
    expect((await clients.client('default').listWorkspaces()).length).toBeGreaterThan(0);
    sb.control.addFault({ pathPrefix: '/v2/workspaces', kind: { type: 'malformed' } });
    expect((await rejectionOf(clients.client('default').listWorkspaces())).code).toBe(
      'UPSTREAM_SCHEMA_MISMATCH',
    );
    await clients.close();
  });

  it('opens the circuit breaker after consecutive failures, stops sending, and closes after a good probe', async () => {
    // The breaker's clock is the test's: the cooldown passes when the test says so, not after a sleep.
    let skew = 0;
    const clients = makeClients(sb, {
      now: () => Date.now() + skew,
      limits: { perSecond: 50, maxRetries: 0, breakerThreshold: 3, breakerCooldownMs: 300 },
    });
    const gong = clients.client('default');
    sb.control.addFault({ pathPrefix: '/v2/', kind: { type: 'status', status: 500 } });
    for (let i = 0; i < 3; i++)
      expect((await rejectionOf(gong.listWorkspaces())).code).toBe('UPSTREAM_ERROR');
    const open = await rejectionOf(gong.listWorkspaces());
    expect(open.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(open.details.retryAfter).toBe(1);
    expect(sb.control.requestLog().length).toBe(3);
    expect(clients.stats('default').breaker).toBe('open');
    sb.control.clearFaults();
    // Still open until the cooldown has passed, whatever Gong would answer now.
    expect((await rejectionOf(gong.listWorkspaces())).code).toBe('UPSTREAM_UNAVAILABLE');
    skew += 300;
    await gong.listWorkspaces();
    expect(clients.stats('default').breaker).toBe('closed');
    expect(sb.control.requestLog().length).toBe(4); // exactly one probe
    await clients.close();
  });

  it('answers UPSTREAM_SCHEMA_MISMATCH with requestId for a body that breaks the wire schema, and ignores unknown fields', async () => {
    // The network is the edge: rewrite Gong's answer on the wire.
    let mode: 'extra' | 'broken' = 'extra';
    const edit = async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      const body = (await res.json()) as { workspaces?: Array<Record<string, unknown>> };
      for (const w of body.workspaces ?? []) {
        w.brandNewGongField = { nested: true };
        if (mode === 'broken') w.id = 'not-a-number';
      }
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    const clients = makeClients(sb, { fetch: edit, limits: { perSecond: 50 } });
    const ws = await clients.client('default').listWorkspaces();
    expect(ws[0]).toHaveProperty('brandNewGongField');
    mode = 'broken';
    const e = await rejectionOf(clients.client('default').listWorkspaces());
    expect(e.code).toBe('UPSTREAM_SCHEMA_MISMATCH');
    expect(e.details.requestId).toMatch(/^[a-z0-9]+$/);
    expect(JSON.stringify(e.details)).not.toMatch(/not-a-number|numeric/);
    await clients.close();
  });
});
