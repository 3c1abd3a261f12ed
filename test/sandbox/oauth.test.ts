import { describe, expect, it } from 'vitest';
import { SCOPES, TokenResponse } from '../contract/support/gong-bodies.js';
import { SandboxAuth } from '../../src/sandbox/auth.js';
import type { SandboxReply, SandboxRequest } from '../../src/sandbox/http.js';
import { createOAuthRoutes } from '../../src/sandbox/oauth.js';

const CLIENT = { clientId: 'app-a', clientSecret: 'secret-a' };
const REDIRECT = 'https://gateway.example/oauth/callback?connection=acme';
const TENANT = 'http://127.0.0.1:9999';
const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function request(
  method: string,
  path: string,
  params: Record<string, string>,
  init: Partial<SandboxRequest> = {},
): SandboxRequest {
  return {
    method,
    path,
    query: new URLSearchParams(params),
    headers: {},
    listener: 'api',
    rawBody: Buffer.alloc(0),
    ...init,
  };
}

function setup(opts: { rotateRefreshTokens?: boolean } = {}) {
  let now = Date.UTC(2025, 0, 1);
  const auth = new SandboxAuth({
    accessKey: 'k',
    accessKeySecret: 's',
    clients: [CLIENT, { clientId: 'app-b', clientSecret: 'secret-b' }],
    tokenTtlSeconds: 3600,
    now: () => now,
    ...opts,
  });
  const routes = createOAuthRoutes({ auth, tenantUrl: () => TENANT, now: () => now });

  const authorize = (params: Record<string, string>) =>
    routes.authorize(
      request('GET', '/oauth2/authorize', {
        client_id: CLIENT.clientId,
        response_type: 'code',
        scope: `${SCOPES.usersRead} ${SCOPES.callsBasic}`,
        redirect_uri: REDIRECT,
        state: 'st8 +/=',
        ...params,
      }),
    );
  const codeFrom = (reply: SandboxReply) => {
    const code = location(reply).searchParams.get('code');
    if (!code) throw new Error(`no code in ${JSON.stringify(reply)}`);
    return code;
  };
  /** POST the token endpoint with params in the query, a form body, or split between both. */
  const token = (
    query: Record<string, string>,
    form?: Record<string, string>,
    authorization = basic(CLIENT.clientId, CLIENT.clientSecret),
  ) =>
    routes.token(
      request('POST', '/oauth2/generate-customer-token', query, {
        headers: {
          authorization,
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
        },
        rawBody: Buffer.from(form ? new URLSearchParams(form).toString() : ''),
      }),
    );
  return { auth, routes, authorize, codeFrom, token, advance: (ms: number) => (now += ms) };
}

function location(reply: SandboxReply): URL {
  expect(reply.status).toBe(302);
  const to = reply.headers?.location;
  if (!to) throw new Error('no location header');
  return new URL(to);
}

const tokenBody = (reply: SandboxReply) => {
  expect(reply.status).toBe(200);
  return TokenResponse.parse(reply.body);
};

describe('GET /oauth2/authorize', () => {
  it('auto-approves: redirects to redirect_uri with a code and the state echoed verbatim', () => {
    const { authorize } = setup();
    const to = location(authorize({}));
    expect(`${to.origin}${to.pathname}`).toBe('https://gateway.example/oauth/callback');
    expect(to.searchParams.get('connection')).toBe('acme');
    expect(to.searchParams.get('state')).toBe('st8 +/=');
    expect(to.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it('shows a 400 page, not a redirect, for an unknown client or a bad redirect_uri', () => {
    const { authorize } = setup();
    const bad: Record<string, string>[] = [
      { client_id: 'nobody' },
      { client_id: '' },
      { redirect_uri: 'not a url' },
      { redirect_uri: 'ftp://x.example/cb' },
      { redirect_uri: '' },
    ];
    for (const params of bad) {
      const reply = authorize(params);
      expect(reply.status).toBe(400);
      expect(reply.headers?.location).toBeUndefined();
      expect(String(reply.body)).toMatch(/client_id|redirect_uri/);
    }
  });

  it('redirects OAuth errors for a bad response_type or scope, with the state', () => {
    const { authorize } = setup();
    const cases: [Record<string, string>, string, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type', 'token'],
      [
        { scope: 'api:calls:read:basic api:calls:create:basic' },
        'invalid_scope',
        'api:calls:create:basic',
      ],
      [{ scope: '' }, 'invalid_scope', 'scope is required'],
    ];
    for (const [params, error, mentioned] of cases) {
      const to = location(authorize(params));
      expect(to.searchParams.get('error')).toBe(error);
      expect(to.searchParams.get('error_description')).toContain(mentioned);
      expect(to.searchParams.get('state')).toBe('st8 +/=');
      expect(to.searchParams.get('code')).toBeNull();
    }
  });
});

describe('POST /oauth2/generate-customer-token: authorization_code', () => {
  const exchange = {
    grant_type: 'authorization_code',
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
  };

  it("accepts the parameters in the query string (Gong's documented shape)", () => {
    const { authorize, codeFrom, token } = setup();
    const body = tokenBody(token({ ...exchange, code: codeFrom(authorize({})) }));
    expect(body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      api_base_url_for_customer: TENANT,
      scope: 'api:users:read api:calls:read:basic',
    });
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it('accepts them in a form body, and split between query and body', () => {
    const { authorize, codeFrom, token } = setup();
    expect(
      tokenBody(token({}, { ...exchange, code: codeFrom(authorize({})) })).access_token,
    ).toBeTruthy();
    const code = codeFrom(authorize({}));
    expect(
      tokenBody(
        token(
          { grant_type: 'authorization_code', code },
          { redirect_uri: REDIRECT, client_id: CLIENT.clientId },
        ),
      ).access_token,
    ).toBeTruthy();
  });

  it('issues tokens the Bearer check accepts on the tenant listener with the granted scopes', () => {
    const { auth, authorize, codeFrom, token } = setup();
    const { access_token } = tokenBody(token({ ...exchange, code: codeFrom(authorize({})) }));
    expect(auth.check(`Bearer ${access_token}`, 'tenant', [SCOPES.usersRead]).ok).toBe(true);
    expect(auth.check(`Bearer ${access_token}`, 'tenant', [SCOPES.transcripts])).toMatchObject({
      status: 401,
      message: "You don't have permission to use 'api:calls:read:transcript' in your app.",
    });
  });

  it('refuses a replayed code with 400 invalid_grant', () => {
    const { authorize, codeFrom, token } = setup();
    const code = codeFrom(authorize({}));
    tokenBody(token({ ...exchange, code }));
    const replay = token({ ...exchange, code });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
  });

  it("refuses a wrong client secret, a missing header and another client's code with 401/400", () => {
    const { authorize, codeFrom, token } = setup();
    const code = codeFrom(authorize({}));
    for (const authorization of [basic(CLIENT.clientId, 'wrong'), '', basic('nobody', 'x')]) {
      const r = token({ ...exchange, code }, undefined, authorization);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ error: 'invalid_client' });
      expect(r.headers?.['www-authenticate']).toContain('Basic');
    }
    // app-b authenticates fine but the code was issued to app-a.
    const stolen = token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
      undefined,
      basic('app-b', 'secret-b'),
    );
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // ...and the rightful client can still use it: a foreign attempt does not burn it.
    expect(tokenBody(token({ ...exchange, code })).access_token).toBeTruthy();
  });

  it('checks redirect_uri, client_id, grant_type, conflicting duplicates and code expiry', () => {
    const { authorize, codeFrom, token, advance } = setup();
    const bad: [Record<string, string>, Record<string, string> | undefined, string][] = [
      [
        {
          ...exchange,
          code: codeFrom(authorize({})),
          redirect_uri: 'https://gateway.example/other',
        },
        undefined,
        'invalid_grant',
      ],
      [
        { ...exchange, code: codeFrom(authorize({})), client_id: 'app-b' },
        undefined,
        'invalid_request',
      ],
      [{ ...exchange, code: '' }, undefined, 'invalid_request'],
      [{ client_id: CLIENT.clientId }, undefined, 'invalid_request'],
      [{ grant_type: 'password' }, undefined, 'unsupported_grant_type'],
      [
        { ...exchange, code: codeFrom(authorize({})) },
        { grant_type: 'refresh_token' },
        'invalid_request',
      ],
    ];
    for (const [query, form, error] of bad) {
      const r = token(query, form);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body).toMatchObject({ error });
    }
    const late = codeFrom(authorize({}));
    advance(10 * 60_000);
    expect(token({ ...exchange, code: late })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });
});

describe('POST /oauth2/generate-customer-token: refresh_token', () => {
  const first = (s: ReturnType<typeof setup>) => {
    const code = s.codeFrom(s.authorize({}));
    return tokenBody(s.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }));
  };

  it('rotates by default: a new refresh token, the old one refused, a fresh access token works', () => {
    const s = setup();
    const t0 = first(s);
    s.auth.expireAccessTokens();
    expect(s.auth.check(`Bearer ${t0.access_token}`, 'tenant', []).ok).toBe(false);
    const t1 = tokenBody(
      s.token({ grant_type: 'refresh_token', refresh_token: t0.refresh_token ?? '' }),
    );
    expect(t1.refresh_token).toBeTruthy();
    expect(t1.refresh_token).not.toBe(t0.refresh_token);
    expect(t1.scope).toBe(t0.scope);
    expect(s.auth.check(`Bearer ${t1.access_token}`, 'tenant', [SCOPES.usersRead]).ok).toBe(true);
    expect(
      s.token({ grant_type: 'refresh_token', refresh_token: t0.refresh_token ?? '' }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(
      tokenBody(s.token({}, { grant_type: 'refresh_token', refresh_token: t1.refresh_token ?? '' }))
        .access_token,
    ).toBeTruthy();
  });

  it('without rotation returns no refresh token and the old one keeps working', () => {
    const s = setup({ rotateRefreshTokens: false });
    const t0 = first(s);
    for (let i = 0; i < 2; i++) {
      const t = tokenBody(
        s.token({ grant_type: 'refresh_token', refresh_token: t0.refresh_token ?? '' }),
      );
      expect(t.refresh_token).toBeUndefined();
      expect(t.access_token).not.toBe(t0.access_token);
    }
  });

  it("refuses revoked, unknown and other clients' refresh tokens, and scope beyond the grant", () => {
    const s = setup();
    const t0 = first(s);
    expect(
      s.token(
        { grant_type: 'refresh_token', refresh_token: t0.refresh_token ?? '' },
        undefined,
        basic('app-b', 'secret-b'),
      ),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(
      s.token({
        grant_type: 'refresh_token',
        refresh_token: t0.refresh_token ?? '',
        scope: SCOPES.callsCreate,
      }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(s.token({ grant_type: 'refresh_token', refresh_token: 'nope' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(s.token({ grant_type: 'refresh_token' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    s.auth.revokeTokens(CLIENT.clientId);
    expect(
      s.token({ grant_type: 'refresh_token', refresh_token: t0.refresh_token ?? '' }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});
