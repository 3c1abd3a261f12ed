import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallResponse,
  CallsExtensiveResponse,
  CallsResponse,
  NewCallAddingResponse,
  TranscriptsResponse,
  WebhookPayload,
} from '../contract/support/gong-bodies.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { clock, gong, q, sandbox } from './support.js';

const time = clock();
let sb: Sandbox;
let receiver: Server;
let receiverUrl: string;
const received: { body: unknown; authorization: string | undefined }[] = [];

beforeAll(async () => {
  sb = await sandbox({
    calls: 100,
    now: time.now,
    processingDelayMs: 60_000,
    transcriptDelayMs: 600_000,
    processingIntervalMs: 60_000,
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: JSON.parse(Buffer.concat(chunks).toString()),
        authorization: req.headers.authorization,
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gong`;
});
afterAll(async () => {
  await sb.close();
  await new Promise((r) => receiver.close(r));
});

const iso = (ms: number) => new Date(ms).toISOString();

describe('processing latency', () => {
  it('hides a call that just ended until processingDelayMs, then shows it (with a past start) and fires webhooks; its transcript comes later', async () => {
    const rule = sb.control.addWebhookRule({ targetUrl: receiverUrl });
    const endedAt = time.now();
    const id = await sb.control.endCall({ title: 'Late call', durationSeconds: 600 });
    const window = q({
      fromDateTime: iso(endedAt - 3_600_000),
      toDateTime: iso(endedAt + 3_600_000),
    });

    expect((await gong(sb, 'GET', `/v2/calls/${id}`)).status).toBe(404);
    expect((await gong(sb, 'GET', `/v2/calls${window}`)).status).toBe(404);
    time.advance(59_000);
    await sb.control.tick();
    expect((await gong(sb, 'GET', `/v2/calls/${id}`)).status).toBe(404);
    expect(received).toHaveLength(0);

    time.advance(1000);
    await sb.control.tick();
    const call = CallResponse.parse((await gong(sb, 'GET', `/v2/calls/${id}`)).body).call;
    // It started before it ended: a cursor kept on `started` since endedAt would miss it.
    expect(Date.parse(call.started ?? '')).toBeLessThan(endedAt - 600_000);
    expect(
      CallsResponse.parse((await gong(sb, 'GET', `/v2/calls${window}`)).body).calls.map(
        (c) => c.id,
      ),
    ).toContain(id);
    const ext = CallsExtensiveResponse.parse(
      (await gong(sb, 'POST', '/v2/calls/extensive', { filter: { callIds: [id] } })).body,
    );
    expect(ext.calls[0]?.metaData.title).toBe('Late call');

    expect(received).toHaveLength(1);
    const payload = WebhookPayload.parse(received[0]?.body);
    expect(payload.callData.metaData.id).toBe(id);
    expect(payload.isTest).toBe(false);
    expect(payload.callData.parties?.length).toBeGreaterThan(0);
    expect(received[0]?.authorization).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(
      sb.control.webhookDeliveries().filter((d) => d.callId === id && d.ruleId === rule.id),
    ).toHaveLength(1);

    const transcript = () =>
      gong(sb, 'POST', '/v2/calls/transcript', { filter: { callIds: [id] } });
    expect((await transcript()).status).toBe(404);
    time.advance(540_000);
    await sb.control.tick();
    const t = TranscriptsResponse.parse((await transcript()).body);
    expect(t.callTranscripts[0]?.callId).toBe(id);
    sb.control.removeWebhookRule(rule.id);
  });

  it('applies the same delay to a call added with POST /v2/calls', async () => {
    const users = sb.control.allCalls();
    const primary = users[0]?.metaData.primaryUserId ?? '';
    const r = await gong(sb, 'POST', '/v2/calls', {
      clientUniqueId: 'processing-test-1',
      actualStart: iso(time.now() - 1_800_000),
      direction: 'Outbound',
      primaryUser: primary,
      parties: [{ userId: primary }, { name: 'Pat Customer', phoneNumber: '+1 212 555 0100' }],
      duration: 900,
    });
    expect(r.status).toBe(200);
    const { callId } = NewCallAddingResponse.parse(r.body);
    expect((await gong(sb, 'GET', `/v2/calls/${callId}`)).status).toBe(404);
    time.advance(60_000);
    await sb.control.tick();
    const call = CallResponse.parse((await gong(sb, 'GET', `/v2/calls/${callId}`)).body).call;
    expect(call.clientUniqueId).toBe('processing-test-1');
    expect(call.direction).toBe('Outbound');
  });

  it('sends a test delivery (isTest: true) of a processed call to one rule on request', async () => {
    const rule = sb.control.addWebhookRule({ targetUrl: receiverUrl, workspaceId: '1' });
    const before = received.length;
    const delivery = await sb.control.sendTestWebhook(rule.id);
    expect(delivery.status).toBe(200);
    expect(delivery.isTest).toBe(true);
    expect(received).toHaveLength(before + 1);
    expect(WebhookPayload.parse(received.at(-1)?.body).isTest).toBe(true);
    sb.control.removeWebhookRule(rule.id);
    await expect(sb.control.sendTestWebhook(rule.id)).rejects.toThrow(/No webhook rule/);
  });
});
