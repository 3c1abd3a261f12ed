/** Refresh before expiry and after a 401: single-flight, rotation-safe, and failures classified. */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createConnectionRegistry } from '../../src/connections/registry.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startHarness, type Harness } from './oauth-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN_ENDPOINT = 'POST /oauth2/generate-customer-token';
/** Refreshes as Gong's token endpoint (the sandbox) logged them. */
const refreshes = (x: Harness) =>
  x.sandbox.control
    .requestLog()
    .filter((e) => e.endpoint === TOKEN_ENDPOINT && e.query.grant_type === 'refresh_token');
const usersWith = (x: Harness, header: string) =>
  fetch(`${x.sandbox.tenantUrl}/v2/users`, { headers: { authorization: header } }).then(
    (r) => r.status,
  );

describe('token refresh', () => {
  it('refreshes once for 50 concurrent requests when the token nears expiry (injected clock)', async () => {
    let t = Date.now();
    h = await startHarness({ now: () => t });
    expect((await h.connect('acme')).status).toBe(200);
    const before = await h.registry.authorization('acme');
    t += 86_400_000 - 30_000; // inside the 60 s skew of a 24 h token

    const headers = await Promise.all(
      Array.from({ length: 50 }, () => h!.registry.authorization('acme')),
    );
    expect(refreshes(h)).toHaveLength(1);
    expect(refreshes(h)[0]).toMatchObject({
      status: 200,
      auth: 'basic',
      query: { grant_type: 'refresh_token' },
    });
    expect(new Set(headers).size).toBe(1);
    expect(headers[0]).not.toBe(before);
    expect(await usersWith(h, headers[0]!)).toBe(200);
    // The fresh token is used from now on without another refresh.
    await h.registry.authorization('acme');
    expect(refreshes(h)).toHaveLength(1);
    // The log has the authorize and both token requests, but no token, code, state or secret.
    const log = h.sandbox.control.requestLog().filter((e) => e.path.startsWith('/oauth2/'));
    expect(log.map((e) => [e.endpoint, e.status])).toEqual([
      ['GET /oauth2/authorize', 302],
      [TOKEN_ENDPOINT, 200],
      [TOKEN_ENDPOINT, 200],
    ]);
    const text = JSON.stringify(log);
    for (const r of h.tokenResponses)
      for (const secret of [r.access_token, r.refresh_token])
        if (secret) expect(text).not.toContain(secret);
    expect(text).not.toContain(h.sandbox.oauth.clientSecret);
    expect(
      log.every(
        (e) =>
          e.body === undefined &&
          !('code' in e.query) &&
          !('state' in e.query) &&
          !('refresh_token' in e.query),
      ),
    ).toBe(true);
  });

  it("after Gong expires the token: 50 forced refreshes (each request's 401) make one refresh", async () => {
    h = await startHarness();
    expect((await h.connect('acme')).status).toBe(200);
    const old = await h.registry.authorization('acme');
    h.sandbox.control.expireAccessTokens();
    expect(await usersWith(h, old)).toBe(401);

    // Half arrive together, half after the first refresh finished (late 401s of the same burst).
    const first = await Promise.all(
      Array.from({ length: 25 }, () => h!.registry.authorization('acme', { forceRefresh: true })),
    );
    const late = await Promise.all(
      Array.from({ length: 25 }, () => h!.registry.authorization('acme', { forceRefresh: true })),
    );
    expect(refreshes(h)).toHaveLength(1);
    expect(new Set([...first, ...late]).size).toBe(1);
    expect(await usersWith(h, first[0]!)).toBe(200);
    expect((await h.registry.get('acme'))?.status).toBe('ACTIVE');
  });

  it('keeps the old refresh token when Gong returns none', async () => {
    let t = Date.now();
    h = await startHarness({ now: () => t });
    expect((await h.connect('acme')).status).toBe(200);
    const original = h.tokenResponses[0]!.refresh_token;
    // Gong may omit refresh_token on refresh (gong-api.md §1): strip it at the HTTP edge.
    const registry = h.anotherInstance({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const body = (await res.json()) as Record<string, unknown>;
        delete body.refresh_token;
        return new Response(JSON.stringify(body), {
          status: res.status,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    t += 86_400_000;
    await registry.authorization('acme');
    const stored = JSON.parse((await h.store.get('conn:acme'))!) as {
      sealedTokens: string;
      baseUrl: string;
    };
    // The tokens are bound to the connection and its base URL.
    const tokens = JSON.parse(
      h.crypto.open(stored.sealedTokens, `gong-connection:acme\nbase-url:${stored.baseUrl}`),
    ) as { refreshToken: string; accessToken: string };
    expect(tokens.refreshToken).toBe(original);
    expect(`Bearer ${tokens.accessToken}`).toBe(await registry.authorization('acme'));
  });

  it('a revoked grant marks the connection RECONNECT_REQUIRED and every later call says so', async () => {
    h = await startHarness();
    expect((await h.connect('acme')).status).toBe(200);
    h.sandbox.control.revokeTokens();
    await expect(h.registry.authorization('acme', { forceRefresh: true })).rejects.toMatchObject({
      code: 'RECONNECT_REQUIRED',
      details: { connectionRef: 'acme' },
    });
    expect((await h.registry.get('acme'))?.status).toBe('RECONNECT_REQUIRED');
    await expect(h.registry.authorization('acme')).rejects.toMatchObject({
      code: 'RECONNECT_REQUIRED',
    });
    expect(refreshes(h)).toHaveLength(1);

    // Reconnecting through OAuth makes it ACTIVE again.
    expect((await h.connect('acme')).status).toBe(200);
    expect((await h.registry.get('acme'))?.status).toBe('ACTIVE');
    expect(await usersWith(h, await h.registry.authorization('acme'))).toBe(200);
  });

  it('an unreachable token endpoint is UPSTREAM_ERROR and leaves the connection ACTIVE', async () => {
    let t = Date.now();
    h = await startHarness({ now: () => t });
    expect((await h.connect('acme')).status).toBe(200);
    const registry = h.anotherInstance({
      fetch: () => Promise.reject(new TypeError('fetch failed: ECONNREFUSED')),
    });
    t += 86_400_000;
    await expect(registry.authorization('acme')).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect((await registry.get('acme'))?.status).toBe('ACTIVE');
  });

  it('disconnect revokes the connection and deletes its tokens', async () => {
    h = await startHarness();
    expect((await h.connect('acme')).status).toBe(200);
    expect(await h.registry.disconnect('acme')).toMatchObject({ ref: 'acme', status: 'REVOKED' });
    const stored = JSON.parse((await h.store.get('conn:acme'))!) as Record<string, unknown>;
    expect(stored.sealedTokens).toBeUndefined();
    await expect(h.registry.authorization('acme')).rejects.toMatchObject({
      code: 'RECONNECT_REQUIRED',
    });
    await expect(h.registry.disconnect('default')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(h.registry.disconnect('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves the access-key connection `default` with Basic auth and lists it first', async () => {
    h = await startHarness();
    expect((await h.connect('acme')).status).toBe(200);
    const header = await h.registry.authorization('default');
    expect(header).toMatch(/^Basic /);
    expect(
      await fetch(`${h.sandbox.url}/v2/users`, { headers: { authorization: header } }).then(
        (r) => r.status,
      ),
    ).toBe(200);
    expect((await h.registry.list()).map((c) => [c.ref, c.authKind])).toEqual([
      ['default', 'ACCESS_KEY'],
      ['acme', 'OAUTH'],
    ]);
    await expect(h.registry.authorization('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a token sealed under another key is refused, not leaked', async () => {
    h = await startHarness();
    expect((await h.connect('acme')).status).toBe(200);
    const { createTokenCrypto } = await import('../../src/store/crypto.js');
    const other = createConnectionRegistry({
      store: h.store,
      crypto: createTokenCrypto({ key: randomBytes(32) }),
      refreshSkewSeconds: 60,
      logger: silentLogger(),
    });
    await expect(other.authorization('acme')).rejects.toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
    });
  });
});

describe('an OAuth connection whose app was removed from config', () => {
  it('answers RECONNECT_REQUIRED when its token needs a refresh, not an internal error', async () => {
    h = await startHarness();
    expect((await h.connect('acme')).status).toBe(200);
    const withoutApp = h.anotherInstance({ oauth: undefined });
    await expect(withoutApp.authorization('acme', { forceRefresh: true })).rejects.toMatchObject({
      code: 'RECONNECT_REQUIRED',
      details: { connectionRef: 'acme' },
    });
  });
});
