/**
 * With REDIS_URL (a real redis-server): a webhook received by one gateway reaches a subscriber on
 * another, and a gateway restarted on the same Redis loses nothing it acknowledged (the event
 * replays with `after`, and a pending transcript check is still made).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { eventually } from './support.js';
import {
  CALL_CREATED_LIGHT,
  disposeClients,
  startEventGateway,
  startEventSandbox,
  subscribe,
  subscribed,
  type EventGateway,
} from './gateway-harness.js';

describeRedis('events across gateway instances on one Redis', () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  const env = (): Record<string, string> => ({
    REDIS_URL: redis.url,
    TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
    REDIS_KEY_PREFIX: 'evt:',
  });
  const open: EventGateway[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startEventSandbox();
  });
  afterAll(async () => {
    await disposeClients();
    for (const g of open) await g.close();
    await sandbox?.close();
    await redis?.stop();
  });

  it('a webhook posted to instance A reaches a subscriber on instance B', async () => {
    const a = await startEventGateway(sandbox, env());
    const b = await startEventGateway(sandbox, env());
    open.push(a, b);
    const rule = sandbox.control.addWebhookRule({ targetUrl: a.webhookUrl() });
    const onB = subscribe<{ eventId: string; call: { id: string } }>(b.wsUrl, CALL_CREATED_LIGHT);
    await subscribed(b, 1);
    const callId = await sandbox.control.endCall({ title: 'Cross-instance', isPrivate: false });
    await sandbox.control.tick();
    const got = await eventually(() => onB.items[0], 10_000, 'event on B');
    expect(got.call.id).toBe(callId);
    sandbox.control.removeWebhookRule(rule.id);
    onB.stop();
  });

  it('a restarted gateway on the same Redis replays what was acknowledged and keeps the transcript schedule', async () => {
    // A long first transcript check: the schedule must outlive this instance.
    const first = await startEventGateway(sandbox, {
      ...env(),
      TRANSCRIPT_POLL_INITIAL_SECONDS: '0.5',
    });
    const rule = sandbox.control.addWebhookRule({ targetUrl: first.webhookUrl() });
    const before = sandbox.control.webhookDeliveries().length;
    const callId = await sandbox.control.endCall({ title: 'Before restart', isPrivate: false });
    await sandbox.control.tick();
    await eventually(
      () =>
        sandbox.control
          .webhookDeliveries()
          .slice(before)
          .some((d) => d.callId === callId && d.status === 202)
          ? true
          : undefined,
      10_000,
      'acknowledged',
    );
    sandbox.control.removeWebhookRule(rule.id);
    await first.close();

    const second = await startEventGateway(sandbox, env());
    open.push(second);
    const transcripts = subscribe<{ callId: string }>(
      second.wsUrl,
      'subscription { gongTranscriptReady(after: "0-0") { callId } }',
    );
    const replay = subscribe<{ eventId: string; call: { id: string } }>(
      second.wsUrl,
      CALL_CREATED_LIGHT,
      { after: '0-0' },
    );
    await eventually(
      () => (replay.items.some((e) => e.call.id === callId) ? true : undefined),
      10_000,
      'replayed event',
    );
    await eventually(
      () => (transcripts.items.some((t) => t.callId === callId) ? true : undefined),
      10_000,
      'transcript after restart',
    );
    // Exactly once each, whatever instance polled.
    expect(replay.items.filter((e) => e.call.id === callId)).toHaveLength(1);
    expect(transcripts.items.filter((t) => t.callId === callId)).toHaveLength(1);
    replay.stop();
    transcripts.stop();
  });
});
