import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallsExtensiveResponse,
  ErrorResponse,
  SCOPES,
  UsersResponse,
} from '../contract/support/gong-bodies.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { bearerToken, gong, q, REQUEST_ID, sandbox } from './support.js';
import { expectMatching } from '../support/match.js';

let sb: Sandbox;
let limited: Sandbox;
beforeAll(async () => {
  [sb, limited] = await Promise.all([
    sandbox({ calls: 20 }),
    sandbox({ calls: 5, rateLimit: { perSecond: 2, perDay: 1000 } }),
  ]);
});
afterAll(() => Promise.all([sb.close(), limited.close()]));

/** Runs the OAuth code flow and returns an access token holding `scopes`. */
async function bearer(scopes: string[]): Promise<string> {
  const token = await bearerToken(sb, scopes);
  expect(token.api_base_url_for_customer).toBe(sb.tenantUrl);
  return token.access_token;
}

describe('the /v2 pipeline', () => {
  it('answers 401 without or with wrong Basic credentials, with a requestId and errors', async () => {
    for (const authorization of [null, `Basic ${Buffer.from('nope:nope').toString('base64')}`]) {
      const r = await gong(sb, 'GET', '/v2/users', undefined, { authorization });
      expect(r.status).toBe(401);
      const body = ErrorResponse.parse(r.body);
      expect(body.requestId).toMatch(REQUEST_ID);
      expect(body.errors?.length).toBe(1);
    }
  });

  it('accepts Basic on both listeners', async () => {
    expect((await gong(sb, 'GET', '/v2/users', undefined, { base: sb.url })).status).toBe(200);
    expect((await gong(sb, 'GET', '/v2/users')).status).toBe(200);
  });

  it("checks Bearer scopes per endpoint (Gong's 401 naming the scope), media-url only when media is asked for, and only on the tenant listener", async () => {
    const token = await bearer([SCOPES.usersRead, SCOPES.callsExtensive]);
    const authorization = `Bearer ${token}`;
    expect((await gong(sb, 'GET', '/v2/users', undefined, { authorization })).status).toBe(200);
    expect(
      (await gong(sb, 'GET', '/v2/users', undefined, { authorization, base: sb.url })).status,
    ).toBe(401);
    const ws = await gong(sb, 'GET', '/v2/workspaces', undefined, { authorization });
    expect(ws.status).toBe(401);
    expect(ws.body).toEqual({
      requestId: expectMatching(REQUEST_ID),
      errors: ["You don't have permission to use 'api:workspaces:read' in your app."],
    });
    const id = sb.control.allCalls()[0]?.metaData.id;
    const plain = await gong(
      sb,
      'POST',
      '/v2/calls/extensive',
      { filter: { callIds: [id] } },
      { authorization },
    );
    expect(CallsExtensiveResponse.parse(plain.body).calls).toHaveLength(1);
    const media = await gong(
      sb,
      'POST',
      '/v2/calls/extensive',
      { filter: { callIds: [id] }, contentSelector: { exposedFields: { media: true } } },
      { authorization },
    );
    expect(media.status).toBe(401);
    expect(media.body).toEqual({
      requestId: expectMatching(REQUEST_ID),
      errors: ["You don't have permission to use 'api:calls:read:media-url' in your app."],
    });
  });

  it('answers 404 ErrorResponse for an unknown /v2 path and 405 for a wrong method', async () => {
    const r = await gong(sb, 'GET', '/v2/nothing-here');
    expect(r.status).toBe(404);
    expect(ErrorResponse.parse(r.body).requestId).toMatch(REQUEST_ID);
    expect((await gong(sb, 'DELETE', '/v2/users')).status).toBe(405);
  });

  it('logs every request, rejected ones too, with arrival time, endpoint label, status, auth kind, listener, query and body', async () => {
    sb.control.resetLog();
    const before = Date.now();
    await gong(sb, 'GET', `/v2/users${q({ includeAvatars: 'false' })}`);
    await gong(sb, 'POST', '/v2/calls/extensive', { filter: { callIds: ['1'] } }, { base: sb.url });
    await gong(sb, 'GET', '/v2/users/123', undefined, { authorization: null });
    const log = sb.control.requestLog();
    expect(log.map((e) => [e.endpoint, e.status, e.auth, e.listener])).toEqual([
      ['GET /v2/users', 200, 'basic', 'tenant'],
      ['POST /v2/calls/extensive', 404, 'basic', 'api'],
      ['GET /v2/users/{id}', 401, 'none', 'tenant'],
    ]);
    expect(log[0]?.query).toEqual({ includeAvatars: 'false' });
    expect(log[1]?.body).toEqual({ filter: { callIds: ['1'] } });
    expect(log[0]?.at).toBeGreaterThanOrEqual(before);
    expect(sb.control.counters()).toEqual({
      'GET /v2/users': 1,
      'POST /v2/calls/extensive': 1,
      'GET /v2/users/{id}': 1,
    });
  });
});

describe('rate limit', () => {
  it('answers a burst beyond perSecond with 429, an integer Retry-After and an ErrorResponse; resetRateLimit clears it', async () => {
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => gong(limited, 'GET', '/v2/workspaces')),
    );
    const limitedReplies = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200).length).toBe(2);
    expect(limitedReplies.length).toBe(4);
    for (const r of limitedReplies) {
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ErrorResponse.parse(r.body).errors?.length).toBe(1);
    }
    limited.control.resetRateLimit();
    expect((await gong(limited, 'GET', '/v2/workspaces')).status).toBe(200);
    expect(limited.control.counters()['GET /v2/workspaces']).toBe(7);
  });
});

describe('control API over HTTP', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${sb.url}/__sandbox${path}`, {
      method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('ends a call, ticks, reads counters and requests, adds and clears faults, and is absent from the tenant listener', async () => {
    const ended = await control('POST', '/calls/end', { title: 'Via HTTP', durationSeconds: 60 });
    expect(ended.body.callId).toMatch(/^\d{18,19}$/);
    expect((await control('POST', '/tick')).status).toBe(200);
    expect(
      (await control('POST', '/faults', { kind: { type: 'status', status: 502 }, count: 1 }))
        .status,
    ).toBe(200);
    expect((await gong(sb, 'GET', '/v2/users')).status).toBe(502);
    expect((await control('DELETE', '/faults')).status).toBe(200);
    const counters = await control('GET', '/counters');
    expect((counters.body.counters as Record<string, number>)['GET /v2/users']).toBeGreaterThan(0);
    expect(((await control('GET', '/requests')).body.requests as unknown[]).length).toBeGreaterThan(
      0,
    );
    expect(typeof (await control('GET', '/webhooks/public-key')).body.publicKey).toBe('string');
    expect((await control('POST', '/faults', { kind: { type: 'teapot' } })).status).toBe(400);
    expect((await control('GET', '/nope')).status).toBe(404);
    expect((await fetch(`${sb.tenantUrl}/__sandbox/counters`)).status).toBe(404);
    expect(UsersResponse.parse((await gong(sb, 'GET', '/v2/users')).body).users.length).toBe(50);
  });
});
