/**
 * Operations over graphql-ws move `gong_gateway_graphql_operations_total` like HTTP ones: once
 * each, when they end, with the operation's name and type and its outcome (a subscription the
 * client stops is a success; a refused document or a refused `after` is an error).
 */
import type { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  disposeClients,
  startEventGateway,
  startEventSandbox,
  subscribe,
  subscribed,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';

describe('gong_gateway_graphql_operations_total over graphql-ws', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;

  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox);
    sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
  });
  afterAll(async () => {
    await disposeClients();
    await gw?.close();
    await sandbox?.close();
  });

  /** The counter's value for exactly these labels (0 when never counted). */
  const count = async (labels: { operation: string; type: string; outcome: string }) => {
    const metric = gw.gateway.metrics.registry.getSingleMetric(
      'gong_gateway_graphql_operations_total',
    ) as Counter | undefined;
    const values = (await metric?.get())?.values ?? [];
    return (
      values.find(
        (v) =>
          v.labels.operation === labels.operation &&
          v.labels.type === labels.type &&
          v.labels.outcome === labels.outcome,
      )?.value ?? 0
    );
  };
  const countReaches = (labels: Parameters<typeof count>[0], n: number) =>
    eventually(
      async () => ((await count(labels)) === n ? true : undefined),
      5_000,
      `${JSON.stringify(labels)} = ${n}`,
    );

  it('a subscription that delivered an event and was stopped by its client counts once as a success', async () => {
    const labels = { operation: 'NewCalls', type: 'subscription', outcome: 'success' };
    const sub = subscribe<{ eventId: string }>(
      gw.wsUrl,
      'subscription NewCalls { gongCallCreated { eventId } }',
    );
    await subscribed(gw, 1);
    await sandbox.control.endCall({ title: 'Counted', isPrivate: false });
    await sandbox.control.tick();
    await eventually(() => sub.items[0], 10_000, 'an event');
    // Still open: nothing is counted until the operation ends.
    expect(await count(labels)).toBe(0);
    sub.stop();
    await countReaches(labels, 1);
    expect(sub.errors).toEqual([]);
  });

  it('a document refused by validation counts as (invalid) error, a refused `after` as an error of its operation', async () => {
    const invalid = subscribe(gw.wsUrl, 'subscription Broken { gongCallCreated { nope } }');
    await invalid.done;
    expect(invalid.errors.length).toBeGreaterThan(0);
    await countReaches({ operation: '(invalid)', type: 'unknown', outcome: 'error' }, 1);

    const resume = subscribe(
      gw.wsUrl,
      'subscription Resume { gongCallCreated(after: "999-0") { eventId } }',
    );
    await resume.done;
    expect(resume.errors.length).toBeGreaterThan(0);
    await countReaches({ operation: 'Resume', type: 'subscription', outcome: 'error' }, 1);
    expect(await count({ operation: 'Resume', type: 'subscription', outcome: 'success' })).toBe(0);
  });
});
