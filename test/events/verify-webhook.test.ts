import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookEmitter } from '../../src/sandbox/webhooks.js';
import {
  normaliseWebhookUrl,
  parseWebhookPublicKey,
  verifyWebhook,
} from '../../src/events/verify-webhook.js';
import type { CallData } from '../../src/gong/wire.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';
import { signDelivery, testKeyPair } from './support.js';

const call: CallData = { metaData: { id: '7782342274025937895', title: 'Kick-off' } };

/** What the sandbox's real emitter sends: captured by a throwaway receiver. */
async function captureEmitterDelivery(): Promise<{
  authorization: string;
  body: Buffer;
  url: string;
  publicKey: string;
}> {
  const got: { authorization?: string; body?: Buffer } = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.authorization = req.headers.authorization;
      got.body = Buffer.concat(chunks);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('no address');
  const url = `http://127.0.0.1:${addr.port}/webhooks/gong/default`;
  const emitter = new WebhookEmitter({ now: Date.now, signingKey: testWebhookSigningKey() });
  emitter.addRule({ targetUrl: url });
  await emitter.deliver(call);
  emitter.close();
  await new Promise<void>((r) => server.close(() => r()));
  if (got.authorization === undefined || got.body === undefined)
    throw new Error('no delivery captured');
  return { authorization: got.authorization, body: got.body, url, publicKey: emitter.publicKey() };
}

describe('verifyWebhook', () => {
  let real: Awaited<ReturnType<typeof captureEmitterDelivery>>;
  const other = testKeyPair();
  const mine = testKeyPair();
  const url = 'https://gw.example.com/webhooks/gong/acme';
  const body = '{"callData":{"metaData":{"id":"1"}},"isTest":false}';

  beforeAll(async () => {
    real = await captureEmitterDelivery();
  });
  afterAll(() => undefined);

  it("accepts the sandbox emitter's real delivery with the bare base64 key Gong shows", async () => {
    const key = await parseWebhookPublicKey(real.publicKey);
    if (!key.ok) throw new Error(key.message);
    const v = await verifyWebhook({
      authorization: real.authorization,
      rawBody: real.body,
      expectedUrl: real.url,
      key: key.key,
    });
    expect(v).toMatchObject({ ok: true, claims: { webhookUrl: real.url } });
  });

  it('accepts the same delivery as `Bearer <jwt>` and with the key as PEM', async () => {
    const key = await parseWebhookPublicKey(mine.publicPem);
    if (!key.ok) throw new Error(key.message);
    const jwt = await signDelivery({ privateKey: mine.privateKey, url, body });
    const v = await verifyWebhook({
      authorization: `Bearer ${jwt}`,
      rawBody: Buffer.from(body),
      expectedUrl: url,
      key: key.key,
    });
    expect(v.ok).toBe(true);
  });

  it('refuses a missing header, another key, a tampered body, another URL, an expired token and RS512', async () => {
    const parsed = await parseWebhookPublicKey(mine.publicKey);
    if (!parsed.ok) throw new Error(parsed.message);
    const key = parsed.key;
    const raw = Buffer.from(body);
    const verify = (authorization: string | undefined, rawBody = raw, expectedUrl = url) =>
      verifyWebhook({ authorization, rawBody, expectedUrl, key });

    expect(await verify(undefined)).toMatchObject({ ok: false, reason: 'missing-signature' });
    expect(
      await verify(await signDelivery({ privateKey: other.privateKey, url, body })),
    ).toMatchObject({ ok: false, reason: 'bad-signature' });
    const good = await signDelivery({ privateKey: mine.privateKey, url, body });
    expect(await verify(good, Buffer.from(body.replace('"1"', '"2"')))).toMatchObject({
      ok: false,
      reason: 'body-mismatch',
    });
    expect(await verify(good, raw, 'https://gw.example.com/webhooks/gong/other')).toMatchObject({
      ok: false,
      reason: 'url-mismatch',
    });
    const expired = await signDelivery({
      privateKey: mine.privateKey,
      url,
      body,
      expSeconds: Math.floor(Date.now() / 1000) - 60,
    });
    expect(await verify(expired)).toMatchObject({ ok: false, reason: 'expired' });
    expect(
      await verify(await signDelivery({ privateKey: mine.privateKey, url, body, alg: 'RS512' })),
    ).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await verify('not-a-jwt')).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a token without exp', async () => {
    const parsed = await parseWebhookPublicKey(mine.publicKey);
    if (!parsed.ok) throw new Error(parsed.message);
    const { SignJWT } = await import('jose');
    const noExp = await new SignJWT({ webhook_url: url, body_sha256: 'x' })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(mine.privateKey);
    expect(
      await verifyWebhook({
        authorization: noExp,
        rawBody: Buffer.from(body),
        expectedUrl: url,
        key: parsed.key,
      }),
    ).toMatchObject({ ok: false, reason: 'claims-invalid' });
  });

  it('uses the injected clock for exp', async () => {
    const parsed = await parseWebhookPublicKey(mine.publicKey);
    if (!parsed.ok) throw new Error(parsed.message);
    const jwt = await signDelivery({ privateKey: mine.privateKey, url, body, expSeconds: 1_000 });
    const v = await verifyWebhook({
      authorization: jwt,
      rawBody: Buffer.from(body),
      expectedUrl: url,
      key: parsed.key,
      now: () => 999_000,
    });
    expect(v.ok).toBe(true);
  });

  it('normalises scheme, host case, default port and trailing slash, and nothing else', () => {
    expect(normaliseWebhookUrl('HTTPS://GW.Example.com:443/webhooks/gong/acme/')).toBe(
      'https://gw.example.com/webhooks/gong/acme',
    );
    expect(normaliseWebhookUrl('https://gw.example.com/Webhooks/gong/acme')).not.toBe(
      normaliseWebhookUrl(url),
    );
    expect(normaliseWebhookUrl('not a url')).toBeUndefined();
  });

  it('reports keys that do not parse instead of throwing', async () => {
    expect(await parseWebhookPublicKey('')).toMatchObject({ ok: false });
    expect(await parseWebhookPublicKey('%%%')).toMatchObject({ ok: false });
    expect(await parseWebhookPublicKey('aGVsbG8=')).toMatchObject({ ok: false });
  });
});
