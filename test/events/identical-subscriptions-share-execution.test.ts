/**
 * Identical subscriptions share one execution per event (src/graphql/subscriptions/hub.ts): 50
 * graphql-ws subscribers selecting `call { primaryUser { emailAddress } }` get the same data while
 * the gateway runs one users batch and one users request per event; a member whose consumer stops
 * pulling is closed with 4413 naming its own resume point while the others get every event.
 */
import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/graphql/context.js';
import { createSubscriptionHub } from '../../src/graphql/subscriptions/hub.js';
import { eventually } from './support.js';
import { subscribe, subscribed, useEventGateway } from './gateway-harness.js';

const WITH_USER =
  'subscription { gongCallCreated { eventId call { id primaryUser { emailAddress } } } }';

interface CallEvent {
  eventId: string;
  call: { id: string; primaryUser: { emailAddress: string } | null };
}

describe('identical subscriptions share one execution per event', () => {
  const h = useEventGateway({ WS_MAX_PENDING_EVENTS: '3' });

  /** Batches the users loader ran (the histogram's sample count). */
  const usersBatches = async () => {
    const m = await h.gw.gateway.metrics.loaderBatchSize.get();
    return (
      m.values.find(
        (v) =>
          v.metricName === 'gong_gateway_dataloader_batch_size_count' &&
          v.labels.loader === 'users',
      )?.value ?? 0
    );
  };
  const primaryUser = () => h.sandbox.control.allCalls()[0]?.metaData.primaryUserId;

  it('50 subscribers get identical data from one users batch and one users request', async () => {
    const subs = Array.from({ length: 50 }, () => subscribe<CallEvent>(h.gw.wsUrl, WITH_USER));
    await subscribed(h.gw, 50);
    const batchesBefore = await usersBatches();
    h.sandbox.control.resetLog();
    const user = primaryUser();
    const callId = await h.sandbox.control.endCall({
      title: 'Shared execution',
      isPrivate: false,
      ...(user ? { primaryUserId: user } : {}),
    });
    await h.sandbox.control.tick();

    await eventually(
      () => (subs.every((s) => s.items.length >= 1) ? true : undefined),
      10_000,
      'an event at every subscriber',
    );
    const first = subs[0]?.items[0];
    expect(first?.call.id).toBe(callId);
    expect(first?.call.primaryUser?.emailAddress).toMatch(/@/);
    for (const s of subs) expect(s.items).toEqual([first]);
    expect(h.sandbox.control.counters()['POST /v2/users/extensive']).toBe(1);
    expect((await usersBatches()) - batchesBefore).toBe(1);
    // The gauge still counts members, and every one of them leaves.
    expect(await h.gw.openSubscriptions()).toBe(50);
    for (const s of subs) s.stop();
    await eventually(
      async () => ((await h.gw.openSubscriptions()) === 0 ? true : undefined),
      5_000,
      'all members gone',
    );
  });

  it('a member that stops pulling is closed with 4413 and its own resume point; the others get every event', async () => {
    // Driven through the hub itself: a consumer that stops pulling is what a full socket looks like to it.
    const hub = createSubscriptionHub();
    const closes: { code: number; reason: string }[] = [];
    const memberContext = async (record: boolean): Promise<GatewayContext> => {
      const base = await h.gw.gateway.context({ headers: {} });
      const subscriberSocket = {
        close: (code: number, reason: string) => void (record && closes.push({ code, reason })),
      };
      return { ...base, subscriberSocket };
    };
    const join = async (record = false) => {
      const out = await hub.subscribe({
        schema: h.gw.gateway.schema,
        document: parse(WITH_USER),
        contextValue: await memberContext(record),
      });
      if (!(Symbol.asyncIterator in out)) throw new Error(`refused: ${JSON.stringify(out.errors)}`);
      return out;
    };
    const fast = await Promise.all(Array.from({ length: 10 }, () => join()));
    const slow = await join(true);
    const got = fast.map(() => [] as ExecutionResult[]);
    const pulling = fast.map(async (it, i) => {
      for await (const r of it) got[i]?.push(r);
    });
    const user = primaryUser();
    const ids: string[] = [];
    const end = async () => {
      ids.push(
        await h.sandbox.control.endCall({
          title: `Burst ${ids.length}`,
          isPrivate: false,
          ...(user ? { primaryUserId: user } : {}),
        }),
      );
      await h.sandbox.control.tick();
    };
    // The slow member takes two events (so the first counts as delivered), then stops pulling.
    await end();
    const one = await slow.next();
    await end();
    const two = await slow.next();
    h.sandbox.control.resetLog();
    for (let i = 0; i < 6; i++) await end();

    await eventually(
      () => (got.every((g) => g.length >= 8) ? true : undefined),
      10_000,
      'every event at the fast members',
    );
    const callIds = (rs: ExecutionResult[]) =>
      rs.map((r) => (r.data?.gongCallCreated as CallEvent | undefined)?.call.id);
    for (const g of got) {
      expect(callIds(g)).toEqual(ids);
      expect(g).toEqual(got[0]);
    }
    // 6 events, 11 members: one users request each.
    expect(h.sandbox.control.counters()['POST /v2/users/extensive']).toBe(6);
    const firstId = (one.value as ExecutionResult | undefined)?.data?.gongCallCreated as
      CallEvent | undefined;
    expect((two.value as ExecutionResult | undefined)?.data?.gongCallCreated).toMatchObject({
      call: { id: ids[1] },
    });
    expect(closes).toEqual([
      { code: 4413, reason: `Subscriber too slow: resume with after=${firstId?.eventId}` },
    ]);
    expect((await slow.next()).done).toBe(true);

    // Resuming where the reason says gives the rest, without gap or duplicate.
    const resumed = subscribe<CallEvent>(
      h.gw.wsUrl,
      'subscription ($after: String) { gongCallCreated(after: $after) { eventId call { id } } }',
      { after: firstId?.eventId },
    );
    await eventually(
      () => (resumed.items.length >= 7 ? true : undefined),
      10_000,
      'the resumed rest',
    );
    expect(resumed.items.map((e) => e.call.id)).toEqual(ids.slice(1));
    resumed.stop();
    for (const it of fast) await it.return?.();
    await Promise.all(pulling);
  });
});
