import { describe, expect, it } from 'vitest';
import { SCOPES } from '../contract/support/gong-bodies.js';
import { SandboxAuth } from '../../src/sandbox/auth.js';

const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function setup(ttlSeconds = 60) {
  let now = Date.UTC(2025, 0, 1);
  const auth = new SandboxAuth({
    accessKey: 'key',
    accessKeySecret: 'secret',
    clients: [
      { clientId: 'app-a', clientSecret: 'sa' },
      { clientId: 'app-b', clientSecret: 'sb' },
    ],
    tokenTtlSeconds: ttlSeconds,
    now: () => now,
  });
  /** A Bearer token as the OAuth routes would issue it. */
  const bearer = (clientId: string, scopes: string[]) => {
    const code = auth.tokens.issueCode(clientId, 'https://app.example/cb', scopes);
    const r = auth.tokens.redeemCode(code, clientId, 'https://app.example/cb');
    if (!r.ok) throw new Error(r.description);
    return `Bearer ${r.tokens.accessToken}`;
  };
  return { auth, bearer, advance: (ms: number) => (now += ms) };
}

describe('Basic access-key auth', () => {
  it('accepts the right key and secret on both listeners, without checking scopes', () => {
    const { auth } = setup();
    for (const listener of ['api', 'tenant'] as const) {
      expect(auth.check(basic('key', 'secret'), listener, [SCOPES.callsExtensive])).toEqual({
        ok: true,
        kind: 'basic',
      });
    }
  });

  it('refuses a wrong secret, a wrong key, a missing header and garbage with 401', () => {
    const { auth } = setup();
    for (const header of [
      basic('key', 'nope'),
      basic('other', 'secret'),
      undefined,
      'Basic !!!',
      'Digest abc',
      `Basic ${Buffer.from('keysecret').toString('base64')}`,
    ]) {
      const r = auth.check(header, 'api', []);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.status).toBe(401);
        expect(r.message.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('Bearer auth', () => {
  it('accepts a token on the tenant listener and refuses it on the generic one as "revoked"', () => {
    const { auth, bearer } = setup();
    const token = bearer('app-a', [SCOPES.usersRead]);
    expect(auth.check(token, 'tenant', [SCOPES.usersRead])).toEqual({ ok: true, kind: 'bearer' });
    expect(auth.check(token, 'api', [SCOPES.usersRead])).toEqual({
      ok: false,
      status: 401,
      message: 'access token has been revoked',
    });
  });

  it('answers a missing scope as Gong does: 401 naming one missing scope', () => {
    const { auth, bearer } = setup();
    const token = bearer('app-a', [SCOPES.callsBasic]);
    expect(auth.check(token, 'tenant', ['api:calls:read:extensive'])).toEqual({
      ok: false,
      status: 401,
      message: "You don't have permission to use 'api:calls:read:extensive' in your app.",
    });
    const both = auth.check(token, 'tenant', ['api:calls:read:basic', 'api:calls:read:media-url']);
    expect(both).toEqual({
      ok: false,
      status: 401,
      message: "You don't have permission to use 'api:calls:read:media-url' in your app.",
    });
  });

  it('refuses an unknown token with 401', () => {
    const { auth } = setup();
    expect(auth.check('Bearer not-a-token', 'tenant', [])).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(auth.check('Bearer', 'tenant', [])).toMatchObject({ ok: false, status: 401 });
  });

  it('expires a token after tokenTtlSeconds and on expireAccessTokens()', () => {
    const { auth, bearer, advance } = setup(60);
    const token = bearer('app-a', []);
    advance(59_999);
    expect(auth.check(token, 'tenant', []).ok).toBe(true);
    advance(1);
    expect(auth.check(token, 'tenant', [])).toEqual({
      ok: false,
      status: 401,
      message: 'access token has expired',
    });

    const fresh = bearer('app-a', []);
    expect(auth.check(fresh, 'tenant', []).ok).toBe(true);
    auth.expireAccessTokens();
    expect(auth.check(fresh, 'tenant', [])).toMatchObject({ ok: false, status: 401 });
  });

  it("revokes one client's tokens, then everyone's", () => {
    const { auth, bearer } = setup();
    const a = bearer('app-a', []);
    const b = bearer('app-b', []);
    auth.revokeTokens('app-a');
    expect(auth.check(a, 'tenant', [])).toEqual({
      ok: false,
      status: 401,
      message: 'access token has been revoked',
    });
    expect(auth.check(b, 'tenant', []).ok).toBe(true);
    auth.revokeTokens();
    expect(auth.check(b, 'tenant', [])).toMatchObject({ ok: false, status: 401 });
  });
});

describe('OAuth client authentication', () => {
  it('knows registered clients and checks their secret', () => {
    const { auth } = setup();
    expect(auth.hasClient('app-a')).toBe(true);
    expect(auth.hasClient('app-z')).toBe(false);
    expect(auth.authenticateClient(basic('app-b', 'sb'))).toBe('app-b');
    expect(auth.authenticateClient(basic('app-b', 'sa'))).toBeUndefined();
    expect(auth.authenticateClient(undefined)).toBeUndefined();
  });
});
