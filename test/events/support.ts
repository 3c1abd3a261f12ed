/**
 * Shared fixtures of the events suites: hand-signed Gong webhook deliveries (for refusals the
 * real emitter never produces) and a one-route HTTP server around the webhook handler.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';
import type { WebhookHandler } from '../../src/http/webhook-route.js';
import { matchWebhookPath } from '../../src/http/webhook-route.js';
import { otherTestRsaKey } from '../support/webhook-signing-key.js';

export interface TestKeyPair {
  privateKey: KeyObject;
  /** Bare base64 SPKI, as Gong's UI shows it. */
  publicKey: string;
  /** The same key as PEM. */
  publicPem: string;
}

/** A key pair of its own (not the test sandboxes' signing key); the next call gives another. */
export function testKeyPair(): TestKeyPair {
  const privateKey = otherTestRsaKey();
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const sha256Hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** A JWT as Gong signs it; every claim can be overridden to build a refusal. */
export async function signDelivery(opts: {
  privateKey: KeyObject;
  url: string;
  body: string;
  expSeconds?: number;
  bodySha256?: string;
  alg?: 'RS256' | 'RS512';
}): Promise<string> {
  const exp = opts.expSeconds ?? Math.floor(Date.now() / 1000) + 300;
  return new SignJWT({
    webhook_url: opts.url,
    body_sha256: opts.bodySha256 ?? sha256Hex(opts.body),
  })
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', typ: 'JWT' })
    .setExpirationTime(exp)
    .sign(opts.privateKey);
}

/** A minimal webhook payload in Gong's documented shape. */
export function webhookBody(
  callId: string,
  extra: { isTest?: boolean; isPrivate?: boolean; workspaceId?: string; title?: string } = {},
): string {
  return JSON.stringify({
    callData: {
      metaData: {
        id: callId,
        title: extra.title ?? `Call ${callId}`,
        workspaceId: extra.workspaceId ?? '1000000000000000001',
        isPrivate: extra.isPrivate ?? false,
        started: '2024-05-01T09:30:00-07:00',
      },
      parties: [],
    },
    isTest: extra.isTest ?? false,
    isPrivate: extra.isPrivate ?? false,
  });
}

export interface RouteServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves only the webhook route (404 JSON for anything else). */
export async function serveWebhookRoute(handler: WebhookHandler): Promise<RouteServer> {
  const server = createServer((req, res) => {
    const ref = matchWebhookPath(new URL(req.url ?? '/', 'http://x').pathname);
    if (ref === undefined) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"code":"NOT_FOUND"}}');
      return;
    }
    void handler(req, res, ref);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('no address');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The shared polling helper (it never takes an error for "not yet"). */
export { eventually } from '../support/eventually.js';
