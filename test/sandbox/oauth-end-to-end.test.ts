import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, TokenResponse } from '../contract/support/gong-bodies.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { expectMatching } from '../support/match.js';

const REDIRECT = 'http://127.0.0.1:1/oauth/callback';

describe('OAuth through HTTP: authorize → token → Bearer on the tenant URL only', () => {
  let sandbox: Sandbox;
  const clientAuth = () =>
    `Basic ${Buffer.from(`${sandbox.oauth.clientId}:${sandbox.oauth.clientSecret}`).toString('base64')}`;

  beforeAll(async () => {
    sandbox = await startSandbox({ users: 5, calls: 20, rateLimit: false });
  });
  afterAll(() => sandbox.close());

  async function connect(scope: string): Promise<TokenResponse> {
    const authorize = new URL(sandbox.oauth.authorizeUrl);
    for (const [k, v] of Object.entries({
      client_id: sandbox.oauth.clientId,
      response_type: 'code',
      scope,
      redirect_uri: REDIRECT,
      state: 'csrf-123',
    })) {
      authorize.searchParams.set(k, v);
    }
    const approved = await fetch(authorize, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('csrf-123');
    const code = back.searchParams.get('code') ?? '';

    // Gong's documented shape: parameters in the query string, client credentials in Basic.
    const tokenUrl = new URL(sandbox.oauth.tokenUrl);
    for (const [k, v] of Object.entries({
      grant_type: 'authorization_code',
      code,
      client_id: sandbox.oauth.clientId,
      redirect_uri: REDIRECT,
    })) {
      tokenUrl.searchParams.set(k, v);
    }
    const res = await fetch(tokenUrl, { method: 'POST', headers: { authorization: clientAuth() } });
    expect(res.status).toBe(200);
    return TokenResponse.parse(await res.json());
  }

  it('a Bearer token works on api_base_url_for_customer and is "revoked" on the generic URL', async () => {
    const tokens = await connect(`${SCOPES.usersRead} ${SCOPES.callsBasic}`);
    expect(tokens.api_base_url_for_customer).toBe(sandbox.tenantUrl);
    const headers = { authorization: `Bearer ${tokens.access_token}` };

    const ok = await fetch(`${tokens.api_base_url_for_customer}/v2/users`, { headers });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { users: unknown[] }).users.length).toBeGreaterThan(0);

    const wrongHost = await fetch(`${sandbox.url}/v2/users`, { headers });
    expect(wrongHost.status).toBe(401);
    expect(await wrongHost.json()).toMatchObject({ errors: ['access token has been revoked'] });

    const log = sandbox.control.requestLog().filter((e) => e.path === '/v2/users');
    expect(log.map((e) => [e.listener, e.status, e.auth])).toEqual([
      ['tenant', 200, 'bearer'],
      ['api', 401, 'bearer'],
    ]);
  });

  it("a missing scope is Gong's 401 that names it; refresh after expiry restores access", async () => {
    const tokens = await connect(SCOPES.usersRead);
    const extensive = await fetch(`${sandbox.tenantUrl}/v2/calls/extensive`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ filter: {} }),
    });
    expect(extensive.status).toBe(401);
    expect(await extensive.json()).toEqual({
      requestId: expectMatching(/^[0-9a-z]{18,19}$/),
      errors: ["You don't have permission to use 'api:calls:read:extensive' in your app."],
    });

    sandbox.control.expireAccessTokens();
    const expired = await fetch(`${sandbox.tenantUrl}/v2/users`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(expired.status).toBe(401);

    const refreshUrl = new URL(sandbox.oauth.tokenUrl);
    refreshUrl.searchParams.set('grant_type', 'refresh_token');
    refreshUrl.searchParams.set('refresh_token', tokens.refresh_token ?? '');
    const refreshed = TokenResponse.parse(
      await (
        await fetch(refreshUrl, { method: 'POST', headers: { authorization: clientAuth() } })
      ).json(),
    );
    const again = await fetch(`${sandbox.tenantUrl}/v2/users`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(again.status).toBe(200);
  });

  it('a form-body exchange with a wrong client secret is refused with 401 invalid_client', async () => {
    const res = await fetch(sandbox.oauth.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sandbox.oauth.clientId}:wrong`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        redirect_uri: REDIRECT,
      }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });
});
