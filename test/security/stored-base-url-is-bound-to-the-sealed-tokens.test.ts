/**
 * Write access to the store (Redis) was enough to steal a tenant's Gong token: the base URL was
 * plaintext and not bound to the sealed tokens, so rewriting it sent the decrypted bearer token to
 * any host; and AES-GCM accepted tags cut to 4 bytes. The base URL is now sealed into the tokens'
 * additional data, tags must be 16 bytes, and tokens only go to Gong's hosts or configured ones.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCrypto } from '../../src/store/crypto.js';
import {
  SERVER_KEY,
  asKey,
  codeOf,
  startOAuthGateway,
  type OAuthGateway,
} from './oauth-gateway.js';

describe('a connection record rewritten in the store', () => {
  let h: OAuthGateway;
  let thief: Server;
  let thiefUrl: string;
  const stolen: string[] = [];
  beforeAll(async () => {
    h = await startOAuthGateway();
    thief = createServer((req, res) => {
      stolen.push(String(req.headers.authorization ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"workspaces":[]}');
    });
    await new Promise<void>((resolve) => thief.listen(0, '127.0.0.1', resolve));
    const addr = thief.address();
    thiefUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    expect((await h.connect('acme')).status).toBe(200);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => thief?.close(() => resolve()));
    await h?.close();
  });

  const rewriteBaseUrl = async (baseUrl: string) => {
    const raw = await h.feature.store.get('conn:acme');
    await h.feature.store.set('conn:acme', JSON.stringify({ ...JSON.parse(raw!), baseUrl }));
  };

  it('sends the token nowhere when the base URL was rewritten, even to a configured host', async () => {
    const original = (JSON.parse((await h.feature.store.get('conn:acme'))!) as { baseUrl: string })
      .baseUrl;
    for (const baseUrl of [thiefUrl, 'https://attacker.example.net']) {
      await rewriteBaseUrl(baseUrl);
      h.advance(1_100); // past the registry's 1 s record cache
      await expect(h.feature.registry.authorization('acme')).rejects.toThrow();
      const r = await h.gql('{ gongWorkspaces { id } }', asKey(SERVER_KEY, 'acme'));
      expect(codeOf(r)).toBe('INTERNAL_SERVER_ERROR');
    }
    expect(stolen).toEqual([]);
    await rewriteBaseUrl(original);
  });

  it('refuses authentication tags cut below 16 bytes', () => {
    const crypto = createTokenCrypto({ key: randomBytes(32) });
    const sealed = crypto.seal('secret-token', 'ctx');
    const parts = sealed.split('.');
    const shortTag = Buffer.from(parts[4]!, 'base64url').subarray(0, 4).toString('base64url');
    const cut = [...parts.slice(0, 4), shortTag].join('.');
    expect(crypto.open(sealed, 'ctx')).toBe('secret-token');
    expect(() => crypto.open(cut, 'ctx')).toThrow(/16 bytes/);
  });
});
