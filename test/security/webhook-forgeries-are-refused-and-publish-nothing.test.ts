/**
 * The webhook route end to end over HTTP: the sandbox's real signed deliveries are accepted, a
 * redelivery is published once, and every refusal (unsigned, other key, tampered body, other URL,
 * expired, oversized, malformed, unknown connection) answers its status with nothing appended or
 * published; an unknown connection answers exactly as a bad signature.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeadLetters, type DeadLetters } from '../../src/events/dead-letters.js';
import type { EventLog, LoggedEvent } from '../../src/events/event-log.js';
import { createMemoryEventLog } from '../../src/events/memory-event-log.js';
import { createWebhookIntake } from '../../src/events/webhook-intake.js';
import { createWebhookKeys, type WebhookKeys } from '../../src/events/webhook-keys.js';
import { createWebhookRoute } from '../../src/http/webhook-route.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createMemoryStore } from '../../src/store/memory.js';
import {
  eventually,
  serveWebhookRoute,
  signDelivery,
  testKeyPair,
  webhookBody,
  type RouteServer,
} from '../events/support.js';
import { expectArrayContaining } from '../support/match.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';

const MAX_BYTES = 256 * 1024;

describe('POST /webhooks/gong/{connectionRef}', () => {
  let sandbox: Sandbox;
  let route: RouteServer;
  let log: EventLog;
  let keys: WebhookKeys;
  let deadLetters: DeadLetters;
  let metrics: Metrics;
  const published: LoggedEvent[] = [];
  const scheduled: string[] = [];
  const acme = testKeyPair();
  const stranger = testKeyPair();

  beforeAll(async () => {
    sandbox = await startSandbox({
      webhookSigningKey: testWebhookSigningKey(),
      calls: 20,
      users: 5,
      processingDelayMs: 0,
      transcriptDelayMs: 0,
      rateLimit: false,
      webhookRetry: { attempts: 1, delayMs: 0 },
    });
    const store = createMemoryStore();
    log = createMemoryEventLog({ maxEvents: 1000 });
    log.listen((e) => published.push(e));
    keys = createWebhookKeys({ store, defaultKey: sandbox.control.webhookPublicKey() });
    await keys.set('acme', acme.publicKey);
    deadLetters = createDeadLetters({ store });
    metrics = createMetrics();
    let publicUrl = '';
    const handler = createWebhookRoute({
      get publicUrl() {
        return publicUrl;
      },
      maxBytes: MAX_BYTES,
      intake: createWebhookIntake({
        keys,
        connectionExists: (ref) => Promise.resolve(ref === 'registered'),
        log,
        deadLetters,
        onCallCreated: ({ callId }) => Promise.resolve(void scheduled.push(callId)),
        now: Date.now,
      }),
      metrics,
    });
    route = await serveWebhookRoute(handler);
    publicUrl = route.url;
  });
  afterAll(async () => {
    await route?.close();
    await sandbox?.close();
  });
  beforeEach(() => {
    published.length = 0;
    scheduled.length = 0;
  });

  const post = async (ref: string, body: string, authorization?: string) => {
    const res = await fetch(`${route.url}/webhooks/gong/${ref}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization !== undefined ? { authorization } : {}),
      },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const acmeUrl = () => `${route.url}/webhooks/gong/acme`;

  it("accepts the sandbox's signed delivery of a processed call and publishes it", async () => {
    const rule = sandbox.control.addWebhookRule({
      targetUrl: `${route.url}/webhooks/gong/default`,
    });
    const callId = await sandbox.control.endCall({ title: 'Discovery with Initech' });
    await sandbox.control.tick();
    const delivery = await eventually(
      () => sandbox.control.webhookDeliveries().find((d) => d.callId === callId),
      5_000,
      'delivery',
    );
    expect(delivery.status).toBe(202);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      topic: 'call.created',
      connectionRef: 'default',
      data: {
        isTest: false,
        callData: { metaData: { id: callId, title: 'Discovery with Initech' } },
      },
    });
    expect(scheduled).toEqual([callId]);
    sandbox.control.removeWebhookRule(rule.id);
  });

  it('acknowledges a redelivery of the same call without publishing it twice', async () => {
    const body = webhookBody('900000000000000001');
    const first = await post(
      'acme',
      body,
      await signDelivery({ privateKey: acme.privateKey, url: acmeUrl(), body }),
    );
    const again = await post(
      'acme',
      body,
      `Bearer ${await signDelivery({ privateKey: acme.privateKey, url: acmeUrl(), body })}`,
    );
    expect(first).toMatchObject({ status: 202, json: { accepted: true, duplicate: false } });
    expect(again).toMatchObject({
      status: 200,
      json: { accepted: true, duplicate: true, eventId: first.json.eventId },
    });
    expect(published).toHaveLength(1);
    // A test delivery of the same call is a different event.
    const test = webhookBody('900000000000000001', { isTest: true });
    expect(
      (
        await post(
          'acme',
          test,
          await signDelivery({ privateKey: acme.privateKey, url: acmeUrl(), body: test }),
        )
      ).status,
    ).toBe(202);
    expect(published).toHaveLength(2);
  });

  it('refuses every bad signature with 401 and publishes nothing', async () => {
    const body = webhookBody('900000000000000002');
    const sign = (o: Partial<Parameters<typeof signDelivery>[0]> = {}) =>
      signDelivery({ privateKey: acme.privateKey, url: acmeUrl(), body, ...o });
    const cases: [string, string | undefined, string][] = [
      ['unsigned', undefined, body],
      ['other key', await sign({ privateKey: stranger.privateKey }), body],
      ['tampered body', await sign(), body.replace('900000000000000002', '900000000000000003')],
      ['other URL', await sign({ url: `${route.url}/webhooks/gong/default` }), body],
      ['expired', await sign({ expSeconds: Math.floor(Date.now() / 1000) - 1 }), body],
      ['wrong body hash', await sign({ bodySha256: 'ab'.repeat(32) }), body],
    ];
    for (const [what, auth, sent] of cases) {
      const res = await post('acme', sent, auth);
      expect({
        what,
        status: res.status,
        code: (res.json.error as Record<string, unknown>).code,
      }).toEqual({ what, status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(published).toHaveLength(0);
    const stream = await log.replay('call.created', 'acme', '0-0', 100);
    expect(
      stream.ok && stream.events.some((e) => JSON.stringify(e.data).includes('900000000000000002')),
    ).toBe(false);
    expect(await metrics.webhooksReceived.get()).toMatchObject({
      values: expectArrayContaining([
        expect.objectContaining({ labels: { outcome: 'unauthorized' }, value: cases.length }),
      ]),
    });
  });

  it('answers an unknown connection exactly as a bad signature (refs cannot be probed), 413 above the size cap, 405 for GET', async () => {
    const body = webhookBody('900000000000000004');
    const unknown = await post(
      'nobody',
      body,
      await signDelivery({
        privateKey: acme.privateKey,
        url: `${route.url}/webhooks/gong/nobody`,
        body,
      }),
    );
    const forged = await post(
      'acme',
      body,
      await signDelivery({ privateKey: stranger.privateKey, url: acmeUrl(), body }),
    );
    // Registered but without a key: the same answer (the log tells the admin to set the key).
    const noKey = await post(
      'registered',
      body,
      await signDelivery({
        privateKey: acme.privateKey,
        url: `${route.url}/webhooks/gong/registered`,
        body,
      }),
    );
    expect(unknown).toMatchObject({ status: 401, json: { error: { code: 'UNAUTHENTICATED' } } });
    expect(noKey).toEqual(unknown);
    expect(forged).toEqual(unknown);

    const big = JSON.stringify({ pad: 'x'.repeat(MAX_BYTES) });
    const tooLarge = await post(
      'acme',
      big,
      await signDelivery({ privateKey: acme.privateKey, url: acmeUrl(), body: big }),
    );
    expect(tooLarge).toMatchObject({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    const get = await fetch(acmeUrl());
    expect(get.status).toBe(405);
    expect(published).toHaveLength(0);
  });

  it("answers 400 for signed malformed JSON or a payload outside Gong's shape, and keeps it as a dead letter", async () => {
    const before = (await deadLetters.list('acme')).length;
    const notJson = '{"callData": ';
    const res1 = await post(
      'acme',
      notJson,
      await signDelivery({ privateKey: acme.privateKey, url: acmeUrl(), body: notJson }),
    );
    expect(res1).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT' } } });
    const badShape = JSON.stringify({
      callData: { metaData: { id: 'not-numeric' } },
      isTest: false,
    });
    const res2 = await post(
      'acme',
      badShape,
      await signDelivery({ privateKey: acme.privateKey, url: acmeUrl(), body: badShape }),
    );
    expect(res2.status).toBe(400);
    expect(String((res2.json.error as Record<string, unknown>).message)).toContain(
      'callData.metaData.id',
    );
    const letters = await deadLetters.list('acme');
    expect(letters.slice(before).map((l) => l.body)).toEqual([notJson, badShape]);
    // Unsigned garbage is refused before parsing: no dead letter from strangers.
    expect((await post('acme', notJson)).status).toBe(401);
    expect(await deadLetters.list('acme')).toHaveLength(before + 2);
    expect(published).toHaveLength(0);
  });
});
