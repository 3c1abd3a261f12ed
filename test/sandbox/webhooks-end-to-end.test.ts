import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { importSPKI, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebhookPayload } from '../contract/support/gong-bodies.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { freePort } from '../support/ports.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';

const received: { headers: IncomingHttpHeaders; raw: Buffer }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
    res.writeHead(204).end();
  });
});
let sandbox: Sandbox;
let target = '';

beforeAll(async () => {
  const port = await freePort();
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${port}/gong/hook`;
  sandbox = await startSandbox({
    webhookSigningKey: testWebhookSigningKey(),
    users: 5,
    calls: 20,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    rateLimit: false,
  });
});
afterAll(async () => {
  await sandbox.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

it('a call that ends is pushed to a rule, signed with the key the control API shows', async () => {
  sandbox.control.addWebhookRule({ targetUrl: target });
  const callId = await sandbox.control.endCall({ title: 'Webhook e2e' });
  await sandbox.control.tick();
  const deadline = Date.now() + 5000;
  while (received.length === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));

  expect(received).toHaveLength(1);
  const got = received[0]!;
  const payload = WebhookPayload.parse(JSON.parse(got.raw.toString('utf8')));
  expect(payload.callData.metaData.id).toBe(callId);
  expect(payload.isTest).toBe(false);

  const pem = `-----BEGIN PUBLIC KEY-----\n${sandbox.control.webhookPublicKey()}\n-----END PUBLIC KEY-----`;
  const { payload: claims } = await jwtVerify(
    got.headers.authorization ?? '',
    await importSPKI(pem, 'RS256'),
  );
  expect(claims).toMatchObject({
    webhook_url: target,
    body_sha256: createHash('sha256').update(got.raw).digest('hex'),
  });
  expect(sandbox.control.webhookDeliveries()).toMatchObject([
    { callId, status: 204, isTest: false },
  ]);
});
