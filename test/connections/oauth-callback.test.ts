/** The OAuth connect flow against the sandbox's Gong OAuth provider, and every way it refuses. */
import { afterEach, describe, expect, it } from 'vitest';
import { isGatewayError } from '../../src/errors.js';
import { startHarness, type Harness } from './oauth-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const tokenExchanges = (x: Harness) => x.tokenRequests.length;

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isGatewayError(e) ? e.code : String(e);
  }
}

describe('OAuth connect', () => {
  it('stores an ACTIVE connection on the tenant base URL and calls Gong there with Bearer auth', async () => {
    h = await startHarness();
    const res = await h.connect('acme', { scopes: ['api:users:read', 'api:calls:read:basic'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('acme');

    const conn = await h.registry.get('acme');
    expect(conn).toMatchObject({
      ref: 'acme',
      authKind: 'OAUTH',
      status: 'ACTIVE',
      baseUrl: h.sandbox.tenantUrl,
    });
    expect(conn?.scopes?.sort()).toEqual(['api:calls:read:basic', 'api:users:read']);

    // The exchange followed Gong's documented shape: Basic client auth, params in the query.
    expect(h.tokenRequests).toHaveLength(1);
    expect(h.tokenRequests[0]).toMatchObject({
      status: 200,
      auth: 'basic',
      grantType: 'authorization_code',
      query: { redirect_uri: h.callbackUrl },
    });

    const header = await h.registry.authorization('acme');
    expect(header).toMatch(/^Bearer /);
    const api = await fetch(`${conn!.baseUrl}/v2/users`, { headers: { authorization: header } });
    expect(api.status).toBe(200);
    expect(h.sandbox.control.requestLog().at(-1)).toMatchObject({
      path: '/v2/users',
      auth: 'bearer',
      listener: 'tenant',
      status: 200,
    });
  });

  it('redirects to returnTo only when its origin is allowed', async () => {
    h = await startHarness({ returnOrigins: ['https://app.example.com'] });
    const res = await h.connect('acme', { returnTo: 'https://app.example.com/settings?done=1' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://app.example.com/settings?done=1');

    for (const evil of [
      'https://evil.example.com/x',
      'https://app.example.com.evil.com/',
      '//evil.example.com',
      'javascript:alert(1)',
      'http://app.example.com/',
    ]) {
      await expect(h.flow.start({ connectionRef: 'acme', returnTo: evil })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    }
  });

  it('refuses a replayed state and stores nothing the second time', async () => {
    h = await startHarness();
    const back = await h.authorize('acme');
    expect((await fetch(back, { redirect: 'manual' })).status).toBe(200);
    const exchanges = tokenExchanges(h);
    const replay = await fetch(back, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/unknown, expired or already used/);
    expect(tokenExchanges(h)).toBe(exchanges);
  });

  it('refuses forged, missing and malformed states without calling Gong', async () => {
    h = await startHarness();
    const back = await h.authorize('acme');
    const codeParam = back.searchParams.get('code')!;
    for (const state of ['A'.repeat(43), 'forged', '', '<script>']) {
      const res = await fetch(
        `${h.callbackUrl}?code=${encodeURIComponent(codeParam)}&state=${encodeURIComponent(state)}`,
      );
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain('<script>');
    }
    expect(await fetch(`${h.callbackUrl}?code=${codeParam}`).then((r) => r.status)).toBe(400);
    expect(tokenExchanges(h)).toBe(0);
    expect(await h.registry.get('acme')).toBeNull();
  });

  it('refuses an expired state (injected clock)', async () => {
    let t = Date.now();
    h = await startHarness({ now: () => t });
    const back = await h.authorize('acme');
    t += 601_000;
    expect((await fetch(back)).status).toBe(400);
    expect(tokenExchanges(h)).toBe(0);
    expect(await h.registry.get('acme')).toBeNull();
  });

  it('a provider error gives a 400 page, stores nothing, and burns the state', async () => {
    h = await startHarness();
    const start = await h.flow.start({ connectionRef: 'acme' });
    const res = await fetch(
      `${h.callbackUrl}?error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}&state=${start.state}`,
    );
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('access_denied');
    expect(body).toContain('&lt;b&gt;no&lt;/b&gt;');
    expect(await h.registry.get('acme')).toBeNull();
    expect(await h.flow.consume(start.state)).toBeNull();
  });

  it('a code Gong refuses gives 400 and stores nothing', async () => {
    h = await startHarness();
    const back = await h.authorize('acme');
    back.searchParams.set('code', 'not-a-code');
    const res = await fetch(back);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/refused the authorization code/);
    expect(await h.registry.get('acme')).toBeNull();
  });

  it('validates gongStartOAuth input before anything is stored', async () => {
    h = await startHarness();
    expect(await code(h.flow.start({ connectionRef: 'bad ref!' }))).toBe('BAD_USER_INPUT');
    expect(await code(h.flow.start({ connectionRef: 'default' }))).toBe('BAD_USER_INPUT');
    expect(
      await code(h.flow.start({ connectionRef: 'acme', scopes: ['api:calls:create:basic'] })),
    ).toBe('BAD_USER_INPUT');
    expect(await h.store.keys('oauth-state:')).toEqual([]);

    const start = await h.flow.start({ connectionRef: 'acme' });
    expect(Buffer.from(start.state, 'base64url')).toHaveLength(32);
    const url = new URL(start.authorizationUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: h.sandbox.oauth.clientId,
      response_type: 'code',
      scope: 'api:users:read api:calls:read:basic',
      redirect_uri: h.callbackUrl,
      state: start.state,
    });
    expect(Date.parse(start.expiresAt) - Date.now()).toBeGreaterThan(590_000);
  });
});
