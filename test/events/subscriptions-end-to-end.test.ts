/**
 * Webhooks to subscriptions end to end against the sandbox: a call ends, Gong processes it, its signed webhook
 * arrives, a graphql-ws client receives gongCallCreated and later gongTranscriptReady; a client
 * that missed 20 events resumes with `after` and gets exactly those; auth failures close 4401 /
 * 4403; a slow subscriber is closed with 4413 while a fast one keeps receiving.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from './support.js';
import {
  CALL_CREATED,
  CALL_CREATED_LIGHT,
  subscribe,
  subscribed,
  useEventGateway,
} from './gateway-harness.js';
import { clientJwt } from '../support/client-jwt.js';

interface CallEvent {
  eventId: string;
  isTest?: boolean;
  call: { id: string; title: string; primaryUser?: { emailAddress: string } | null };
}

describe('gongCallCreated / gongTranscriptReady over graphql-ws', () => {
  const h = useEventGateway();

  const endCalls = async (n: number, title = 'Call') => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push(await h.sandbox.control.endCall({ title: `${title} ${i}`, isPrivate: false }));
    await h.sandbox.control.tick();
    return ids;
  };

  it('a call that ends reaches the subscriber, then its transcript; payload fields cost no upstream request', async () => {
    const calls = subscribe<CallEvent>(h.gw.wsUrl, CALL_CREATED);
    const transcripts = subscribe<{
      eventId: string;
      callId: string;
      transcript: { callId: string };
    }>(h.gw.wsUrl, 'subscription { gongTranscriptReady { eventId callId transcript { callId } } }');
    await subscribed(h.gw, 2);
    h.sandbox.control.resetLog();
    const user = h.sandbox.control.allCalls()[0]?.metaData.primaryUserId;
    const callId = await h.sandbox.control.endCall({
      title: 'Renewal with Globex',
      isPrivate: false,
      ...(user ? { primaryUserId: user } : {}),
    });
    await h.sandbox.control.tick();

    const event = await eventually(() => calls.items[0], 10_000, 'gongCallCreated');
    expect(event).toMatchObject({
      isTest: false,
      call: { id: callId, title: 'Renewal with Globex' },
    });
    expect(event.call.primaryUser?.emailAddress).toMatch(/@/);
    expect(event.eventId).toMatch(/^\d+-\d+$/);
    const ready = await eventually(() => transcripts.items[0], 10_000, 'gongTranscriptReady');
    expect(ready).toMatchObject({ callId, transcript: { callId } });

    const counts = h.sandbox.control.counters();
    // id/title came from the webhook's callData: no calls request; primaryUser went through the users loader.
    expect(counts['POST /v2/calls/extensive'] ?? 0).toBe(0);
    expect(counts['POST /v2/users/extensive']).toBe(1);
    expect(counts['POST /v2/calls/transcript']).toBeGreaterThanOrEqual(1);
    calls.stop();
    transcripts.stop();
    await eventually(
      async () => ((await h.gw.openSubscriptions()) === 0 ? true : undefined),
      5_000,
      'subscriptions closed',
    );
  });

  it('a client that disconnects, misses 20 events and resumes with after gets exactly those 20, then live ones', async () => {
    const first = subscribe<CallEvent>(h.gw.wsUrl, CALL_CREATED_LIGHT);
    await subscribed(h.gw, 1);
    await endCalls(1, 'Before');
    const seen = await eventually(() => first.items[0], 10_000, 'first event');
    first.stop();
    await eventually(
      async () => ((await h.gw.openSubscriptions()) === 0 ? true : undefined),
      5_000,
      'disconnect',
    );

    const missed = await endCalls(20, 'Missed');
    await eventually(
      () =>
        h.sandbox.control
          .webhookDeliveries()
          .filter((d) => missed.includes(d.callId) && d.status === 202).length === 20
          ? true
          : undefined,
      10_000,
      '20 deliveries',
    );

    const resumed = subscribe<CallEvent>(h.gw.wsUrl, CALL_CREATED_LIGHT, { after: seen.eventId });
    await eventually(() => (resumed.items.length >= 20 ? true : undefined), 10_000, '20 replayed');
    await subscribed(h.gw, 1);
    const [live] = await endCalls(1, 'Live');
    await eventually(
      () => (resumed.items.length >= 21 ? true : undefined),
      10_000,
      'live after replay',
    );
    expect(resumed.items.map((e) => e.call.id)).toEqual([...missed, live]);
    const ids = resumed.items.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    resumed.stop();
  });

  it('refuses a malformed or unknown after with BAD_USER_INPUT', async () => {
    const bad = subscribe(h.gw.wsUrl, CALL_CREATED_LIGHT, { after: 'yesterday' });
    await bad.done;
    expect(bad.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }]);
    const unknown = subscribe(h.gw.wsUrl, CALL_CREATED_LIGHT, {
      after: `${Date.now() + 3_600_000}-0`,
    });
    await unknown.done;
    expect(unknown.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
  });

  it('leaves test deliveries out unless includeTest', async () => {
    // The test button sends an existing call, which may be private: include private calls here.
    const plain = subscribe<CallEvent>(h.gw.wsUrl, CALL_CREATED, { includePrivate: true });
    const withTests = subscribe<CallEvent>(h.gw.wsUrl, CALL_CREATED, {
      includeTest: true,
      includePrivate: true,
    });
    await subscribed(h.gw, 2);
    const rule = h.sandbox.control.addWebhookRule({
      targetUrl: h.gw.webhookUrl(),
      workspaceId: '1',
    });
    await h.sandbox.control.sendTestWebhook(rule.id);
    const [real] = await endCalls(1, 'After test');
    await eventually(
      () => (withTests.items.length >= 2 && plain.items.length >= 1 ? true : undefined),
      10_000,
      'events',
    );
    expect(withTests.items.map((e) => e.isTest)).toEqual([true, false]);
    expect(plain.items.map((e) => e.call.id)).toEqual([real]);
    h.sandbox.control.removeWebhookRule(rule.id);
    plain.stop();
    withTests.stop();
  });
});

describe('graphql-ws auth and backpressure', () => {
  const secret = 'a-very-long-test-secret-of-at-least-32-chars';
  const h = useEventGateway({
    GATEWAY_API_KEYS: 'test-key',
    GATEWAY_JWT_SECRET: secret,
    WS_MAX_PENDING_EVENTS: '3',
  });

  it('closes with 4401 without or with a bad credential, 4403 for a JWT used on another connection', async () => {
    const none = subscribe(h.gw.wsUrl, CALL_CREATED_LIGHT);
    await none.done;
    expect(none.closed?.code).toBe(4401);
    const wrong = subscribe(h.gw.wsUrl, CALL_CREATED_LIGHT, {}, { authorization: 'Bearer nope' });
    await wrong.done;
    expect(wrong.closed?.code).toBe(4401);
    const jwt = await clientJwt(secret, { conn: 'default' });
    const other = subscribe(
      h.gw.wsUrl,
      CALL_CREATED_LIGHT,
      {},
      { authorization: `Bearer ${jwt}`, 'x-gong-connection': 'acme' },
    );
    await other.done;
    expect(other.closed?.code).toBe(4403);
  });

  it('closes a subscriber that falls behind with 4413 naming where to resume; a fast one gets everything', async () => {
    const auth = { authorization: 'Bearer test-key' };
    // Every event the slow subscriber resolves waits 400 ms upstream (primaryUser), so its buffer fills.
    h.sandbox.control.addFault({
      pathPrefix: '/v2/users/extensive',
      kind: { type: 'latency', ms: 400 },
    });
    const slow = subscribe<CallEvent>(h.gw.wsUrl, CALL_CREATED, {}, auth);
    const fast = subscribe<CallEvent>(h.gw.wsUrl, CALL_CREATED_LIGHT, {}, auth);
    await subscribed(h.gw, 2);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(await h.sandbox.control.endCall({ title: `Burst ${i}`, isPrivate: false }));
    await h.sandbox.control.tick();

    await eventually(() => (fast.items.length >= 8 ? true : undefined), 10_000, 'fast subscriber');
    expect(fast.items.map((e) => e.call.id)).toEqual(ids);
    await slow.done;
    h.sandbox.control.clearFaults();
    expect(slow.closed?.code).toBe(4413);
    const m = /resume with after=(\S*)/.exec(slow.closed?.reason ?? '');
    expect(m).not.toBeNull();
    // Resuming where the reason says gives the rest, without gap or duplicate.
    const got = slow.items.map((e) => e.call.id);
    const after = m?.[1] ?? '';
    const resumed = subscribe<CallEvent>(
      h.gw.wsUrl,
      CALL_CREATED_LIGHT,
      after ? { after } : {},
      auth,
    );
    if (after) {
      await eventually(
        () => (got.length + resumed.items.length >= 8 ? true : undefined),
        10_000,
        'resumed rest',
      );
      expect([...got, ...resumed.items.map((e) => e.call.id)].slice(-8)).toEqual(ids);
    }
    resumed.stop();
    fast.stop();
  });
});
