/**
 * Real Gong answers a missing OAuth scope with HTTP 401 and "You don't have permission to use
 * '<scope>' in your app." That is not bad credentials: the gateway answers FORBIDDEN naming the
 * scope, spends no token refresh (Gong's refresh tokens are single-use) and sends no retry. A 401
 * for an expired token still refreshes once. Counts come from the sandbox's request log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionRegistry } from '../../src/connections/types.js';
import { startHarness, type Harness } from '../connections/oauth-harness.js';
import { makeClients, rejectionOf } from './support/clients.js';
import { expectMatching } from '../support/match.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN_ENDPOINT = 'POST /oauth2/generate-customer-token';
const refreshes = (x: Harness) =>
  x.sandbox.control
    .requestLog()
    .filter((e) => e.endpoint === TOKEN_ENDPOINT && e.query.grant_type === 'refresh_token').length;
const v2 = (x: Harness, path: string) =>
  x.sandbox.control
    .requestLog()
    .filter((e) => e.path === path)
    .map((e) => e.status);

/**
 * The real OAuth registry, except that it does not know the connection's grant (Gong's token
 * answer may leave `scope` out), so the gateway cannot refuse before asking Gong.
 */
function grantUnknown(x: Harness): ConnectionRegistry {
  return {
    get: async (ref) => {
      const conn = await x.registry.get(ref);
      return conn && { ...conn, scopes: null };
    },
    list: () => x.registry.list(),
    authorization: (ref, o) => x.registry.authorization(ref, o),
  };
}

describe("Gong's 401 for a missing scope", () => {
  it('is FORBIDDEN naming the scope, with no token refresh and a single request', async () => {
    h = await startHarness();
    expect((await h.connect('acme', { scopes: ['api:users:read'] })).status).toBe(200);
    const clients = makeClients(h.sandbox, {
      registry: grantUnknown(h),
      limits: { perSecond: 50 },
    });
    h.sandbox.control.resetLog();

    const e = await rejectionOf(clients.client('acme').listWorkspaces());
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details.scope).toBe('api:workspaces:read');
    expect(e.message).toContain('api:workspaces:read');
    expect(v2(h, '/v2/workspaces')).toEqual([401]);
    expect(refreshes(h)).toBe(0);
    // The connection stays usable for what it was granted.
    expect((await clients.client('acme').listUsers()).items.length).toBeGreaterThan(0);
    expect((await h.registry.get('acme'))?.status).toBe('ACTIVE');
    await clients.close();
  });

  it('passes through a raw request (the proxy) once, body intact, without a refresh', async () => {
    h = await startHarness();
    expect((await h.connect('acme', { scopes: ['api:users:read'] })).status).toBe(200);
    const clients = makeClients(h.sandbox, {
      registry: grantUnknown(h),
      limits: { perSecond: 50 },
    });
    h.sandbox.control.resetLog();

    const res = await clients
      .transport('acme')
      .requestRaw({ method: 'GET', path: '/v2/workspaces', endpoint: 'proxy' });
    expect(res.status).toBe(401);
    expect(JSON.parse(await new Response(res.body).text())).toEqual({
      requestId: expectMatching(/^[0-9a-z]{18,19}$/),
      errors: ["You don't have permission to use 'api:workspaces:read' in your app."],
    });
    expect(v2(h, '/v2/workspaces')).toEqual([401]);
    expect(refreshes(h)).toBe(0);
    await clients.close();
  });

  it('differs from an expired token, which still refreshes once and succeeds', async () => {
    h = await startHarness();
    expect((await h.connect('acme', { scopes: ['api:users:read'] })).status).toBe(200);
    const clients = makeClients(h.sandbox, {
      registry: grantUnknown(h),
      limits: { perSecond: 50 },
    });
    await h.registry.authorization('acme');
    h.sandbox.control.expireAccessTokens();
    h.sandbox.control.resetLog();

    expect((await clients.client('acme').listUsers()).items.length).toBeGreaterThan(0);
    expect(v2(h, '/v2/users')).toEqual([401, 200]);
    expect(refreshes(h)).toBe(1);
    await clients.close();
  });
});
