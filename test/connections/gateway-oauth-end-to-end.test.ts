/**
 * The whole flow over HTTP: gongStartOAuth → Gong's authorize → the gateway's callback → GraphQL
 * through the new connection on its own base URL; client auth (API keys, tenant JWTs, admin);
 * expiry with 50 concurrent queries; revocation; scope checks that spend no upstream request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startOAuthGateway, type OAuthGateway } from '../security/oauth-gateway.js';
import { clientJwt } from '../support/client-jwt.js';

const JWT_SECRET = 'e2e-jwt-secret-with-at-least-32-chars!!';
const SERVER_KEY = 'server-key';
const ADMIN_KEY = 'admin-key';

interface GqlResult {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe('gateway OAuth end to end', () => {
  let sandbox: Sandbox;
  let gateway: Gateway;
  const tokenRequests: string[] = [];

  let h: OAuthGateway;

  beforeAll(async () => {
    // Counts what reaches Gong's token endpoint (the sandbox's request log covers /v2 only).
    const countingFetch: typeof fetch = async (input, init) => {
      tokenRequests.push(
        new URL(input instanceof Request ? input.url : input).searchParams.get('grant_type') ?? '',
      );
      return fetch(input, init);
    };
    h = await startOAuthGateway({
      sandbox: { calls: 30 },
      env: {
        GATEWAY_API_KEYS: SERVER_KEY,
        GATEWAY_ADMIN_API_KEYS: ADMIN_KEY,
        GATEWAY_JWT_SECRET: JWT_SECRET,
      },
      fetch: countingFetch,
    });
    ({ sandbox, gateway } = h);
  });
  afterAll(() => h?.close());

  async function gql(
    query: string,
    headers: Record<string, string>,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult> {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as Omit<GqlResult, 'status'>) };
  }
  const code = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
  const asKey = (key: string, conn?: string) => ({
    authorization: `Bearer ${key}`,
    ...(conn ? { 'x-gong-connection': conn } : {}),
  });
  const tenantJwt = (conn: string) => clientJwt(JWT_SECRET, { conn });
  const refreshes = () => tokenRequests.filter((g) => g === 'refresh_token').length;

  async function connect(ref: string, scopes?: string[]): Promise<Response> {
    const start = await gql(
      'mutation($input: GongStartOAuthInput!) { gongStartOAuth(input: $input) { authorizationUrl state expiresAt } }',
      asKey(SERVER_KEY),
      { input: { connectionRef: ref, ...(scopes ? { scopes } : {}) } },
    );
    const url = (start.data?.gongStartOAuth as { authorizationUrl: string } | undefined)
      ?.authorizationUrl;
    expect(url, JSON.stringify(start.errors)).toBeDefined();
    const gong = await fetch(url!, { redirect: 'manual' });
    expect(gong.status).toBe(302);
    const back = new URL(gong.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(`${new URL(gateway.url).origin}/callbacks/v1/oauth`);
    return fetch(back, { redirect: 'manual' });
  }

  it('connects a tenant and serves its queries from its own base URL with Bearer auth', async () => {
    const callback = await connect('acme');
    expect(callback.status).toBe(200);
    const conn = await gql(
      '{ gongConnection(ref: "acme") { ref authKind baseUrl status scopes createdAt } }',
      asKey(SERVER_KEY),
    );
    expect(conn.data?.gongConnection).toMatchObject({
      ref: 'acme',
      authKind: 'OAUTH',
      baseUrl: sandbox.tenantUrl,
      status: 'ACTIVE',
    });

    sandbox.control.resetLog();
    const ws = await gql('{ gongWorkspaces { id name } }', {
      authorization: `Bearer ${await tenantJwt('acme')}`,
    });
    expect(ws.errors).toBeUndefined();
    expect((ws.data?.gongWorkspaces as unknown[]).length).toBeGreaterThan(0);
    const upstream = sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/'));
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({
      path: '/v2/workspaces',
      listener: 'tenant',
      auth: 'bearer',
      status: 200,
    });
  });

  it("refuses unauthenticated requests, tenant A's JWT on tenant B, and admin fields to non-admins", async () => {
    expect(code(await gql('{ gongWorkspaces { id } }', {}))).toBe('UNAUTHENTICATED');
    expect(code(await gql('{ gongWorkspaces { id } }', { authorization: 'Bearer nope' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      code(
        await gql('{ gongWorkspaces { id } }', {
          authorization: `Bearer ${await tenantJwt('acme')}`,
          'x-gong-connection': 'globex',
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      code(
        await gql('{ gongConnection(ref: "globex") { ref } }', {
          authorization: `Bearer ${await tenantJwt('acme')}`,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      code(
        await gql('mutation { gongDisconnect(connectionRef: "globex") { ref } }', {
          authorization: `Bearer ${await tenantJwt('acme')}`,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(code(await gql('{ gongConnections { ref } }', asKey(SERVER_KEY)))).toBe('FORBIDDEN');
    expect(
      code(
        await gql('{ gongConnections { ref } }', {
          authorization: `Bearer ${await tenantJwt('acme')}`,
        }),
      ),
    ).toBe('FORBIDDEN');
    const all = await gql('{ gongConnections { ref authKind } }', asKey(ADMIN_KEY));
    expect(all.data?.gongConnections).toEqual(
      expect.arrayContaining([
        { ref: 'default', authKind: 'ACCESS_KEY' },
        { ref: 'acme', authKind: 'OAUTH' },
      ]),
    );
    // Credentials are never taken from the query string.
    const viaQuery = await fetch(`${gateway.url}?access_token=${SERVER_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ gongWorkspaces { id } }' }),
    });
    expect(((await viaQuery.json()) as GqlResult).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses bad gongStartOAuth input with BAD_USER_INPUT (open redirect, unknown scope, bad ref)', async () => {
    const start = (input: Record<string, unknown>) =>
      gql(
        'mutation($input: GongStartOAuthInput!) { gongStartOAuth(input: $input) { state } }',
        asKey(SERVER_KEY),
        { input },
      );
    expect(
      code(await start({ connectionRef: 'acme', returnTo: 'https://evil.example.com/' })),
    ).toBe('BAD_USER_INPUT');
    expect(code(await start({ connectionRef: 'acme', scopes: ['everything'] }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(code(await start({ connectionRef: 'no/slashes' }))).toBe('BAD_USER_INPUT');
  });

  it('a field needing a scope the connection lacks is FORBIDDEN naming it, with no upstream request', async () => {
    expect((await connect('narrow', ['api:users:read'])).status).toBe(200);
    sandbox.control.resetLog();
    const r = await gql('{ gongWorkspaces { id } }', asKey(SERVER_KEY, 'narrow'));
    expect(code(r)).toBe('FORBIDDEN');
    expect(r.errors?.[0]?.message).toContain('api:workspaces:read');
    expect(sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/'))).toHaveLength(0);
  });

  it('after Gong expires the token, 50 concurrent queries cause exactly one refresh', async () => {
    expect((await connect('burst')).status).toBe(200);
    expect(
      code(await gql('{ gongWorkspaces { id } }', asKey(SERVER_KEY, 'burst'))),
    ).toBeUndefined();
    sandbox.control.expireAccessTokens();
    const before = refreshes();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        gql('{ gongWorkspaces { id } }', asKey(SERVER_KEY, 'burst')),
      ),
    );
    expect(results.map(code).filter((c) => c !== undefined)).toEqual([]);
    expect(refreshes() - before).toBe(1);
  });

  it('revocation makes queries fail with RECONNECT_REQUIRED and the connection says so', async () => {
    expect((await connect('revoked')).status).toBe(200);
    sandbox.control.revokeTokens();
    const r = await gql('{ gongWorkspaces { id } }', asKey(SERVER_KEY, 'revoked'));
    expect(code(r)).toBe('RECONNECT_REQUIRED');
    const conn = await gql('{ gongConnection(ref: "revoked") { status } }', asKey(SERVER_KEY));
    expect(conn.data?.gongConnection).toEqual({ status: 'RECONNECT_REQUIRED' });
    // Disconnect: REVOKED, tokens gone.
    const d = await gql(
      'mutation { gongDisconnect(connectionRef: "revoked") { ref status } }',
      asKey(SERVER_KEY),
    );
    expect(d.data?.gongDisconnect).toEqual({ ref: 'revoked', status: 'REVOKED' });
  });
});
