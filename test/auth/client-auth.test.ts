/** API keys, connection-scoped JWTs, admin rights and the start-up policy. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  assertAdmin,
  assertConnectionAccess,
  authenticateRequest,
  authenticatorFromConfig,
  createAuthenticator,
  resolveAuthMode,
  type Credentials,
} from '../../src/auth/client-auth.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { expectAny } from '../support/match.js';

const SECRET = 'a-jwt-secret-of-at-least-32-characters!!';
const auth = createAuthenticator({
  apiKeys: ['key-1', 'key-2'],
  adminApiKeys: ['admin-key'],
  jwtSecret: SECRET,
  mode: 'required',
});

const jwt = (
  claims: Record<string, unknown>,
  opts: { exp?: number | string | null; secret?: string; alg?: string } = {},
) => {
  const s = new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256' })
    .setSubject('user-7');
  if (opts.exp !== null) s.setExpirationTime(opts.exp ?? '5m');
  return s.sign(new TextEncoder().encode(opts.secret ?? SECRET));
};

async function failure(creds: Credentials): Promise<{ code: string; message: string }> {
  try {
    await auth(creds);
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('client auth', () => {
  it('API keys: any connection via x-gong-connection, default otherwise; admin only for admin keys', async () => {
    expect(await auth({ authorization: 'Bearer key-1' })).toMatchObject({
      kind: 'api-key',
      connectionRef: 'default',
      admin: false,
    });
    expect(
      await auth({ authorization: 'bearer key-2', connectionHeader: 'tenant-b' }),
    ).toMatchObject({ connectionRef: 'tenant-b', admin: false });
    expect(await auth({ authorization: 'Bearer admin-key' })).toMatchObject({
      kind: 'api-key',
      admin: true,
    });
    const p = await auth({ authorization: 'Bearer key-1' });
    expect(p.subject).toMatch(/^key:[0-9a-f]{8}$/);
    expect(p.subject).not.toContain('key-1');
  });

  it('every API key is admin when no admin keys are configured', async () => {
    const a = createAuthenticator({ apiKeys: ['k'], adminApiKeys: [], mode: 'required' });
    expect(await a({ authorization: 'Bearer k' })).toMatchObject({ admin: true });
  });

  it('missing or unknown credentials are UNAUTHENTICATED', async () => {
    expect(await failure({})).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await failure({ authorization: 'Basic a2V5LTE6' })).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(await failure({ authorization: 'Bearer key-3' })).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Unknown API key',
    });
    expect(await failure({ authorization: 'Bearer key-1 extra' })).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it("a JWT works on its own connection only: tenant A's token is FORBIDDEN on tenant B", async () => {
    const token = await jwt({ conn: 'tenant-a' });
    expect(await auth({ authorization: `Bearer ${token}` })).toEqual({
      kind: 'jwt',
      admin: false,
      connectionRef: 'tenant-a',
      subject: 'user-7',
      expiresAt: expectAny(Number),
    });
    expect(
      await auth({ authorization: `Bearer ${token}`, connectionHeader: 'tenant-a' }),
    ).toMatchObject({ connectionRef: 'tenant-a' });
    expect(
      await failure({ authorization: `Bearer ${token}`, connectionHeader: 'tenant-b' }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const p = await auth({ authorization: `Bearer ${token}` });
    expect(() => assertConnectionAccess(p, 'tenant-b')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => assertAdmin(p)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('refuses expired, unsigned-claim, wrong-secret and wrong-algorithm JWTs', async () => {
    expect(
      await failure({
        authorization: `Bearer ${await jwt({ conn: 'a' }, { exp: Math.floor(Date.now() / 1000) - 60 })}`,
      }),
    ).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid JWT: the token has expired' });
    expect(
      await failure({ authorization: `Bearer ${await jwt({ conn: 'a' }, { exp: null })}` }),
    ).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid JWT: claim exp is missing' });
    expect(await failure({ authorization: `Bearer ${await jwt({})}` })).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Invalid JWT: claim conn is missing',
    });
    expect(
      await failure({
        authorization: `Bearer ${await jwt({ conn: 'a' }, { secret: 'another-secret-of-at-least-32-characters' })}`,
      }),
    ).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(
      await failure({
        authorization: `Bearer ${await jwt({ conn: 'a' }, { alg: 'HS512', secret: SECRET + SECRET })}`,
      }),
    ).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(
      await failure({ authorization: `Bearer ${await jwt({ conn: 'no spaces allowed' })}` }),
    ).toMatchObject({ code: 'UNAUTHENTICATED' });
    // alg=none: header.payload. with an empty signature
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ conn: 'a', exp: 9e9 })).toString('base64url')}.`;
    expect(await failure({ authorization: `Bearer ${none}` })).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('a malformed x-gong-connection is BAD_USER_INPUT', async () => {
    expect(
      await failure({ authorization: 'Bearer key-1', connectionHeader: '../etc' }),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('open mode: open principal on the asked connection', async () => {
    const open = createAuthenticator({ apiKeys: [], adminApiKeys: [], mode: 'open' });
    expect(await open({})).toEqual({ kind: 'open', admin: true, connectionRef: 'default' });
    expect(await open({ connectionHeader: 'acme' })).toMatchObject({ connectionRef: 'acme' });
  });

  it('WebSocket connection params win over headers; nothing is read from anywhere else', async () => {
    const viaRequest = authenticateRequest(auth);
    const token = await jwt({ conn: 'tenant-a' });
    expect(
      await viaRequest({ headers: {}, connectionParams: { authorization: `Bearer ${token}` } }),
    ).toMatchObject({ kind: 'jwt', connectionRef: 'tenant-a' });
    expect(
      await viaRequest({ headers: { authorization: 'Bearer key-1', 'x-gong-connection': 'b' } }),
    ).toMatchObject({ kind: 'api-key', connectionRef: 'b' });
    await expect(
      viaRequest({ headers: {}, connectionParams: { token: 'key-1' } }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('start-up policy: open only against the sandbox or with GATEWAY_AUTH=none', () => {
    const base = { GONG_ACCESS_KEY: 'k', GONG_ACCESS_KEY_SECRET: 's' };
    expect(resolveAuthMode(loadConfig({}), { embeddedSandbox: true })).toBe('open');
    expect(() => resolveAuthMode(loadConfig(base), { embeddedSandbox: false })).toThrow(
      ConfigError,
    );
    expect(() => resolveAuthMode(loadConfig(base), { embeddedSandbox: false })).toThrow(
      /GATEWAY_AUTH=none/,
    );
    expect(
      resolveAuthMode(loadConfig({ ...base, GATEWAY_AUTH: 'none' }), { embeddedSandbox: false }),
    ).toBe('open');
    expect(
      resolveAuthMode(loadConfig({ ...base, GATEWAY_API_KEYS: 'a,b' }), { embeddedSandbox: false }),
    ).toBe('required');
    expect(
      resolveAuthMode(loadConfig({ GATEWAY_JWT_SECRET: SECRET }), { embeddedSandbox: true }),
    ).toBe('required');
  });

  it('says at start-up when the gateway runs open', async () => {
    const lines: string[] = [];
    const logger = {
      warn: (m: string) => lines.push(`warn ${m}`),
      info: (m: string) => lines.push(`info ${m}`),
    };
    const open = authenticatorFromConfig(loadConfig({}), { embeddedSandbox: true, logger });
    expect(lines[0]).toMatch(/^warn Client auth is OFF: serving the embedded Gong sandbox/);
    expect(await open({})).toMatchObject({ kind: 'open' });
    const closed = authenticatorFromConfig(loadConfig({ GATEWAY_API_KEYS: 'k' }), {
      embeddedSandbox: true,
      logger,
    });
    expect(lines[1]).toMatch(/^info Client auth required: 1 API key/);
    await expect(closed({})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
