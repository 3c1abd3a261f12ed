/**
 * Classes the attack pass could not break, kept as regressions: JWT algorithm tricks (`alg: none`,
 * other algorithms, the HS256 secret used as another key type, missing or past `exp`), one
 * tenant's JWT used on another connection, and admin fields for non-admins.
 */
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  JWT_SECRET,
  SERVER_KEY,
  asKey,
  codeOf,
  startOAuthGateway,
  type OAuthGateway,
} from './oauth-gateway.js';

const secret = new TextEncoder().encode(JWT_SECRET);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('tenant boundaries', () => {
  let h: OAuthGateway;
  beforeAll(async () => {
    h = await startOAuthGateway();
    expect((await h.connect('acme')).status).toBe(200);
    expect((await h.connect('globex')).status).toBe(200);
  });
  afterAll(() => h?.close());

  const asJwt = (jwt: string, conn?: string) => ({
    authorization: `Bearer ${jwt}`,
    ...(conn ? { 'x-gong-connection': conn } : {}),
  });
  const workspaces = (headers: Record<string, string>) =>
    h.gql('{ gongWorkspaces { id } }', headers);

  it('refuses JWT algorithm tricks and expired or exp-less tokens with UNAUTHENTICATED, sending nothing upstream', async () => {
    h.sandbox.control.resetLog();
    const now = Math.floor(Date.now() / 1000);
    const tricks = [
      new UnsecuredJWT({ conn: 'acme', exp: now + 300 }).encode(),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ conn: 'acme', exp: now + 300 })}.`,
      await new SignJWT({ conn: 'acme' })
        .setProtectedHeader({ alg: 'HS512' })
        .setExpirationTime('5m')
        .sign(secret),
      await new SignJWT({ conn: 'acme' }).setProtectedHeader({ alg: 'HS256' }).sign(secret), // no exp
      await new SignJWT({ conn: 'acme' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime(now - 10)
        .sign(secret),
      await new SignJWT({ conn: 'acme' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('another-secret-of-at-least-32-characters')),
      // A valid token's payload swapped for another tenant's: the signature no longer matches.
      ((t: string) => t.replace(/\.[^.]+\./, `.${b64({ conn: 'globex', exp: now + 300 })}.`))(
        await h.tenantJwt('acme'),
      ),
    ];
    for (const [i, jwt] of tricks.entries())
      expect({ i, code: codeOf(await workspaces(asJwt(jwt))) }).toEqual({
        i,
        code: 'UNAUTHENTICATED',
      });
    expect(h.sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/'))).toEqual([]);
  });

  it("keeps a tenant's JWT on its own connection", async () => {
    const acme = await h.tenantJwt('acme');
    expect(codeOf(await workspaces(asJwt(acme)))).toBeUndefined();
    expect(codeOf(await workspaces(asJwt(acme, 'globex')))).toBe('FORBIDDEN');
    expect(codeOf(await h.gql('{ gongConnection(ref: "globex") { ref } }', asJwt(acme)))).toBe(
      'FORBIDDEN',
    );
    expect(
      codeOf(
        await h.gql('mutation { gongDisconnect(connectionRef: "globex") { ref } }', asJwt(acme)),
      ),
    ).toBe('FORBIDDEN');
    const proxy = await fetch(`${h.origin}/proxy/v2/workspaces`, {
      headers: asJwt(acme, 'globex'),
    });
    expect(proxy.status).toBe(403);
  });

  it('gives admin fields to admin keys only', async () => {
    const acme = await h.tenantJwt('acme');
    for (const headers of [asJwt(acme), asKey(SERVER_KEY)]) {
      expect(codeOf(await h.gql('{ gongConnections { ref } }', headers))).toBe('FORBIDDEN');
      expect(
        codeOf(
          await h.gql('{ gongWebhookDeadLetters(connectionRef: "acme") { receivedAt } }', headers),
        ),
      ).toBe('FORBIDDEN');
    }
    expect(codeOf(await h.gql('{ gongConnections { ref } }', asKey(ADMIN_KEY)))).toBeUndefined();
  });
});
