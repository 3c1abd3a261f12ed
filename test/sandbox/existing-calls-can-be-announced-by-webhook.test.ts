/**
 * `deliverCallWebhooks` re-sends the call.created delivery of calls that already exist, through
 * the path processing uses: every matching rule gets `{callData, isTest: false, isPrivate}` signed
 * for its URL, one call after the other, thin unless the rule asks for full. An id that is not a
 * visible call is refused before anything is sent. Benchmarks use it to warm a gateway by webhook.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { WebhookPayload } from '../contract/support/gong-bodies.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';

const received: { path: string; headers: IncomingHttpHeaders; raw: Buffer }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
    res.writeHead(200).end();
  });
});
let sandbox: Sandbox;
let base = '';

beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sandbox = await startSandbox({
    webhookSigningKey: testWebhookSigningKey(),
    rateLimit: false,
    users: 6,
    calls: 12,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    processingIntervalMs: 3_600_000,
  });
});
afterAll(async () => {
  await sandbox.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

describe('announcing existing calls by webhook', () => {
  it('delivers each call, in order, to every rule as a signed non-test call.created', async () => {
    const thin = `${base}/thin`;
    sandbox.control.addWebhookRule({ targetUrl: thin });
    sandbox.control.addWebhookRule({ targetUrl: `${base}/full`, payload: 'full', signed: false });
    const calls = sandbox.control.allCalls().slice(0, 3);
    const ids = calls.map((c) => c.metaData.id);

    const deliveries = await sandbox.control.deliverCallWebhooks(ids);

    expect(deliveries.map((d) => [d.callId, d.status, d.isTest])).toEqual(
      ids.flatMap((id) => [
        [id, 200, false],
        [id, 200, false],
      ]),
    );
    const thinBodies = received.filter((r) => r.path === '/thin');
    expect(
      thinBodies.map(
        (r) => WebhookPayload.parse(JSON.parse(r.raw.toString('utf8'))).callData.metaData.id,
      ),
    ).toEqual(ids);
    const first = JSON.parse(thinBodies[0]!.raw.toString('utf8')) as {
      callData: Record<string, unknown>;
      isTest: boolean;
      isPrivate: boolean;
    };
    expect(first.isTest).toBe(false);
    expect(first.isPrivate).toBe(calls[0]!.metaData.isPrivate ?? false);
    // The default (thin) rule carries metaData and parties, as the real capture did; no media, no brief.
    expect(first.callData.parties).toEqual(calls[0]!.parties);
    expect(first.callData).not.toHaveProperty('media');
    expect(first.callData.content).not.toHaveProperty('brief');
    const full = JSON.parse(received.find((r) => r.path === '/full')!.raw.toString('utf8')) as {
      callData: { content: Record<string, unknown> };
    };
    expect(full.callData.content).toHaveProperty('brief');

    const pem = `-----BEGIN PUBLIC KEY-----\n${sandbox.control.webhookPublicKey()}\n-----END PUBLIC KEY-----`;
    const { payload: claims } = await jwtVerify(
      thinBodies[0]!.headers.authorization ?? '',
      await importSPKI(pem, 'RS256'),
    );
    expect(claims).toMatchObject({
      webhook_url: thin,
      body_sha256: createHash('sha256').update(thinBodies[0]!.raw).digest('hex'),
    });
  });

  it('refuses an id that is not a visible call and sends nothing, in process and over the control API', async () => {
    const before = received.length;
    const known = sandbox.control.allCalls()[0]!.metaData.id;
    await expect(sandbox.control.deliverCallWebhooks([known, '999999999'])).rejects.toThrow(
      /no visible call with id 999999999/,
    );

    const res = await fetch(`${sandbox.url}/__sandbox/webhooks/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callIds: ['999999999'] }),
    });
    expect(res.status).toBe(404);
    const bad = await fetch(`${sandbox.url}/__sandbox/webhooks/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callIds: 'x' }),
    });
    expect(bad.status).toBe(400);
    expect(received.length).toBe(before);

    const ok = await fetch(`${sandbox.url}/__sandbox/webhooks/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callIds: [known] }),
    });
    expect(ok.status).toBe(200);
    expect(
      ((await ok.json()) as { deliveries: { callId: string }[] }).deliveries.map((d) => d.callId),
    ).toEqual([known, known]);
  });
});
