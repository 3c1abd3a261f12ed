/**
 * A sandbox webhook rule sends what the real, sanitized call.created capture carried unless it
 * asks for `payload: 'full'`: metaData, an empty context, parties, content with topics, trackers
 * {id, name, count, type} and scorecardsAnswers, interaction with interactionStats only, an empty
 * collaboration; no media, brief, key points, speakers or questions.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';

let sandbox: Sandbox;
let server: Server;
let base = '';
const bodies: { path: string; json: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({
        path: req.url ?? '',
        json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox = await startSandbox({
    webhookSigningKey: testWebhookSigningKey(),
    rateLimit: false,
    users: 6,
    calls: 10,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    processingIntervalMs: 3_600_000,
  });
});
afterAll(async () => {
  await sandbox?.close();
  await new Promise((r) => server.close(r));
});

describe('sandbox webhook payloads', () => {
  it('are thin like the real capture by default, and complete (without media) for a full rule', async () => {
    sandbox.control.addWebhookRule({ targetUrl: `${base}/thin`, signed: false });
    sandbox.control.addWebhookRule({ targetUrl: `${base}/full`, signed: false, payload: 'full' });
    expect(() =>
      sandbox.control.addWebhookRule({ targetUrl: `${base}/x`, payload: 'everything' as never }),
    ).toThrow(/payload must be 'thin' or 'full'/);
    await sandbox.control.endCall({ isPrivate: false });
    await sandbox.control.tick();

    const thin = bodies.find((b) => b.path === '/thin')!.json;
    const full = bodies.find((b) => b.path === '/full')!.json;
    expect(Object.keys(thin).sort()).toEqual(['callData', 'isPrivate', 'isTest']);
    const callData = thin.callData as Record<string, Record<string, unknown>>;
    expect(Object.keys(callData).sort()).toEqual([
      'collaboration',
      'content',
      'context',
      'interaction',
      'metaData',
      'parties',
    ]);
    expect(callData.context).toEqual([]);
    expect(callData.collaboration).toEqual({});
    expect(Object.keys(callData.content!).sort()).toEqual([
      'scorecardsAnswers',
      'topics',
      'trackers',
    ]);
    for (const t of callData.content!.trackers as Record<string, unknown>[])
      expect(Object.keys(t).sort()).toEqual(['count', 'id', 'name', 'type']);
    expect(Object.keys(callData.interaction!)).toEqual(['interactionStats']);

    const fullCall = full.callData as Record<string, Record<string, unknown>>;
    expect(fullCall.content).toHaveProperty('brief');
    expect(fullCall.content).toHaveProperty('keyPoints');
    expect(fullCall.interaction).toHaveProperty('speakers');
    expect(fullCall).not.toHaveProperty('media');
  });
});
