/**
 * `/proxy/v2/...` against the sandbox: Gong's status, body and headers come back unchanged
 * (200, 404, 429 with Retry-After), the connection's credentials replace the client's, the query
 * and body reach Gong as sent, and refused requests (no client auth, non-/v2 paths) cost no
 * upstream request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardableHeaders } from '../../src/http/relay-answer.js';
import { API_KEY, startWritesHarness, type WritesHarness } from '../writes/harness.js';

const auth = { authorization: `Bearer ${API_KEY}` };

describe('proxy', () => {
  let h: WritesHarness;
  beforeAll(async () => {
    h = await startWritesHarness();
  });
  afterAll(() => h?.close());

  const proxy = (path: string, init: RequestInit = {}) =>
    fetch(`${h.origin}/proxy${path}`, {
      ...init,
      headers: { ...auth, ...(init.headers as Record<string, string>) },
    });

  it("relays GET /proxy/v2/users to Gong with the connection's Basic auth and the query unchanged, and Gong's 200 body back", async () => {
    h.reset();
    const res = await proxy('/v2/users?includeAvatars=true', {
      headers: { cookie: 'session=abc' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as {
      requestId: string;
      users: { id: string; emailAddress: string }[];
      records: unknown;
    };
    expect(body.requestId).toMatch(/^[0-9a-z]{18,19}$/);
    expect(body.users.map((u) => u.id)).toEqual(expect.arrayContaining(h.users.map((u) => u.id)));
    expect(body.users.some((u) => u.emailAddress.endsWith('@gong.io'))).toBe(true); // the avatars asked for
    const log = h.upstream();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/v2/users',
      query: { includeAvatars: 'true' },
      auth: 'basic',
      status: 200,
    });
  });

  it("passes a 404 through with Gong's error body", async () => {
    h.reset();
    const res = await proxy('/v2/calls/1234567890123456789');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { requestId: string; errors: string[] };
    expect(body.errors).toEqual(['Call ID 1234567890123456789 was not found']);
    expect(h.upstream().map((e) => `${e.endpoint} ${e.status}`)).toEqual([
      'GET /v2/calls/{id} 404',
    ]);
  });

  it("streams a POST body to Gong and Gong's answer back", async () => {
    h.reset();
    const callId = h.sandbox.control.allCalls()[0]!.metaData.id;
    const request = {
      filter: { callIds: [callId] },
      contentSelector: { exposedFields: { parties: true } },
    };
    const res = await proxy('/v2/calls/extensive', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      calls: { metaData: { id: string }; parties?: unknown[] }[];
    };
    expect(body.calls.map((c) => c.metaData.id)).toEqual([callId]);
    expect(body.calls[0]!.parties).toBeDefined();
    expect(h.upstream()).toEqual([
      expect.objectContaining({
        endpoint: 'POST /v2/calls/extensive',
        body: request,
        auth: 'basic',
      }),
    ]);
  });

  it('refuses clients without a valid API key, with nothing sent upstream', async () => {
    h.reset();
    const none = await fetch(`${h.origin}/proxy/v2/users`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const wrong = await fetch(`${h.origin}/proxy/v2/users`, {
      headers: { authorization: 'Bearer not-a-key' },
    });
    expect(wrong.status).toBe(401);
    // Gong credentials sent by the client are not a gateway credential either.
    const basic = await fetch(`${h.origin}/proxy/v2/users`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${h.sandbox.accessKey}:${h.sandbox.accessKeySecret}`).toString('base64')}`,
      },
    });
    expect(basic.status).toBe(401);
    expect(h.upstream()).toEqual([]);
  });

  it('only /v2/ paths: anything else is 400, with nothing sent upstream', async () => {
    h.reset();
    for (const path of [
      '/oauth2/generate-customer-token',
      '/v2',
      '/v2/',
      '/v3/users',
      '/__sandbox/calls',
      '/v2/%2e%2e/oauth2/authorize',
      '/v2/users%2F..%2F..',
    ]) {
      const res = await proxy(path);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'path' } });
    }
    expect(h.upstream()).toEqual([]);
  });

  it('an unknown connection in x-gong-connection is 404, with nothing sent upstream', async () => {
    h.reset();
    const res = await proxy('/v2/users', { headers: { 'x-gong-connection': 'no-such-company' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: { code: 'NOT_FOUND', connectionRef: 'no-such-company' },
    });
    expect(h.upstream()).toEqual([]);
  });
});

describe("proxy and Gong's rate limit", () => {
  let h: WritesHarness;
  beforeAll(async () => {
    // No retries: the 429 reaches the client at once instead of being waited out.
    h = await startWritesHarness({ env: { GONG_MAX_RETRIES: '0' } });
  });
  afterAll(() => h?.close());

  it("passes a 429 through with Gong's Retry-After", async () => {
    h.sandbox.control.addFault({
      kind: { type: 'status', status: 429, retryAfterSeconds: 7 },
      count: 1,
    });
    const res = await fetch(`${h.origin}/proxy/v2/workspaces`, { headers: auth });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({
      error: { code: 'UPSTREAM_RATE_LIMITED', retryAfter: 7 },
    });
    expect(h.upstream().map((e) => `${e.endpoint} ${e.status}`)).toEqual([
      'GET /v2/workspaces 429',
    ]);
  });
});

describe('forwardableHeaders', () => {
  it("drops hop-by-hop headers, cookies, credentials and the gateway's own headers", () => {
    expect(
      forwardableHeaders({
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'dialer/1.0',
        connection: 'keep-alive, x-hop',
        'x-hop': 'gone',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic eA==',
        te: 'trailers',
        'transfer-encoding': 'chunked',
        upgrade: 'h2c',
        cookie: 'session=abc',
        authorization: 'Bearer client-key',
        host: 'gateway.example.com',
        'x-gong-connection': 'tenant-a',
        'x-request-id': 'r-1',
        'accept-encoding': 'gzip',
      }),
    ).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'dialer/1.0',
    });
  });
});
