/**
 * A call Gong announced by webhook is in the entity cache with the sections its callData carried
 * (a real delivery is thin: parties, topics, interaction stats), so viewing those sections costs
 * no POST /v2/calls/extensive; a section the delivery lacked costs one request for that section
 * only. A test delivery (Gong's "test" button) is never cached.
 */
import { describe, expect, it } from 'vitest';
import { subscribe, subscribed, useEventGateway } from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';

describe('webhook-warmed views', () => {
  const h = useEventGateway({ CACHE_MAX_BYTES: String(64 << 20) });
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(h.gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as {
      data?: { gongCall: Record<string, unknown> | null };
      errors?: unknown[];
    };
  };
  const extensive = () =>
    h.sandbox.control.requestLog().filter((r) => r.endpoint === 'POST /v2/calls/extensive');

  it('serves what the webhook carried without asking Gong, and fetches only the part it lacked', async () => {
    const callId = await h.sandbox.control.endCall({ title: 'Announced', isPrivate: false });
    await h.sandbox.control.tick();
    await eventually(
      () =>
        h.sandbox.control.webhookDeliveries().some((d) => d.callId === callId && d.status === 202)
          ? true
          : undefined,
      10_000,
      'the delivery',
    );
    h.sandbox.control.resetLog();

    const carried = await gql(
      `query ($id: ID!) { gongCall(id: $id) { id title parties { name emailAddress } content { topics { name } } interaction { interactionStats { name value } } } }`,
      { id: callId },
    );
    expect(carried.errors).toBeUndefined();
    expect(carried.data?.gongCall?.title).toBe('Announced');
    expect((carried.data?.gongCall?.parties as unknown[]).length).toBeGreaterThan(0);
    expect(extensive()).toHaveLength(0);

    const lacking = await gql(
      `query ($id: ID!) { gongCall(id: $id) { id parties { name } content { brief topics { name } } } }`,
      { id: callId },
    );
    expect(lacking.errors).toBeUndefined();
    const truth = h.sandbox.control.allCalls().find((c) => c.metaData.id === callId)!;
    expect((lacking.data?.gongCall?.content as { brief: string | null }).brief).toBe(
      truth.content?.brief,
    );
    expect(extensive()).toHaveLength(1);
    expect((extensive()[0]!.body as { contentSelector: unknown }).contentSelector).toEqual({
      exposedFields: { content: { brief: true } },
    });
  });

  it('gives a subscriber that selects more than the delivery carried only the missing part from Gong', async () => {
    const sub = subscribe<{ call: { id: string; content: { brief: string | null } } }>(
      h.gw.wsUrl,
      'subscription { gongCallCreated { call { id parties { name } content { brief topics { name } } } } }',
    );
    await subscribed(h.gw, 1);
    h.sandbox.control.resetLog();
    const callId = await h.sandbox.control.endCall({ title: 'Subscribed', isPrivate: false });
    await h.sandbox.control.tick();
    const event = await eventually(
      () => sub.items.find((e) => e.call.id === callId),
      10_000,
      'the event',
    );
    const truth = h.sandbox.control.allCalls().find((c) => c.metaData.id === callId)!;
    expect(event.call.content.brief).toBe(truth.content?.brief);
    expect(
      extensive().map((r) => (r.body as { contentSelector: unknown }).contentSelector),
    ).toEqual([{ exposedFields: { content: { brief: true } } }]);
    sub.stop();
  });

  it('does not cache the sample call of a test delivery', async () => {
    // Gong's test button sends a real call as sample: forget it first, then let the test delivery come.
    const sample = (await h.sandbox.control.sendTestWebhook(h.ruleId)).callId;
    await gql('mutation ($c: [ID!]) { gongEvictCache(connectionRef: "default", callIds: $c) }', {
      c: [sample],
    });
    const delivery = await h.sandbox.control.sendTestWebhook(h.ruleId);
    // 200: Gong resent a delivery the event log already holds; 202: a new one. Neither may cache a test call.
    expect(delivery.callId).toBe(sample);
    expect([200, 202]).toContain(delivery.status);
    h.sandbox.control.resetLog();
    await gql(`query ($id: ID!) { gongCall(id: $id) { id title parties { name } } }`, {
      id: delivery.callId,
    });
    expect(extensive()).toHaveLength(1);
  });
});
