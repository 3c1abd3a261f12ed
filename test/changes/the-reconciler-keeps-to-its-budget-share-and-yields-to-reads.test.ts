/**
 * The reconciler never spends more than RECONCILE_BUDGET_SHARE of a connection's daily budget: a
 * tenant too large for it gets a stretched cadence (said in the metric and in /readyz), and a
 * sweep the day's share cuts short resumes the next day where its listing stopped. Its requests
 * wait behind every interactive read of the connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../events/support.js';
import { callsStarted, DAY, startChangeRig, type ChangeRig } from './support.js';

const sweepRequests = (rig: ChangeRig) =>
  rig.upstream().filter((e) => e.endpoint === 'POST /v2/calls/extensive');

describe('the budget share', () => {
  let rig: ChangeRig;
  beforeAll(async () => {
    // About 370 calls in the 14-day window: 4 listing requests; the share allows 3 a day.
    rig = await startChangeRig({
      sandbox: { calls: 800 },
      env: { GONG_DAILY_BUDGET: '30', RECONCILE_BUDGET_SHARE: '0.1' },
    });
  });
  afterAll(() => rig?.close());

  it('stops a sweep at the share, says the cadence is stretched, and resumes the next day', async () => {
    await rig.gw.gql('{ gongWorkspaces { id } }');
    const pages = Math.ceil(callsStarted(rig, 14 * DAY, 0).length / 100);
    expect(pages).toBe(4);
    rig.reset();
    const first = await rig.gw.gateway.changes.tick();
    expect(first.map((r) => [r.kind, r.outcome, r.requests])).toEqual([['full', 'budget', 3]]);
    expect(sweepRequests(rig)).toHaveLength(3);

    // Nothing more today, however often it ticks.
    rig.clock.advance(3_600_000);
    expect(await rig.gw.gateway.changes.tick()).toEqual([]);
    expect(sweepRequests(rig)).toHaveLength(3);

    const stretch = (await rig.gw.gateway.metrics.reconcileStretch.get()).values[0]?.value ?? 0;
    expect(stretch).toBeGreaterThan(1);
    const ready = (await (
      await fetch(rig.gw.gateway.url.replace(/graphql$/, 'readyz'))
    ).json()) as { details: { reconciler: string } };
    expect(ready.details.reconciler).toMatch(/1 of 1 connections swept up to .*× slower/);

    // The next UTC day: the listing resumes where it stopped, and the sweep completes.
    rig.clock.advance(12 * 3_600_000);
    rig.reset();
    const next = await rig.gw.gateway.changes.tick();
    expect(next.map((r) => [r.kind, r.outcome])).toEqual([['full', 'done']]);
    expect(sweepRequests(rig).length).toBeLessThanOrEqual(3);
    const counted = (await rig.gw.gateway.metrics.reconcileRequests.get()).values.reduce(
      (n, v) => n + v.value,
      0,
    );
    expect(counted).toBe(3 + sweepRequests(rig).length);
  });
});

describe('priority', () => {
  let rig: ChangeRig;
  beforeAll(async () => {
    rig = await startChangeRig({
      sandbox: { calls: 800 },
      env: { GONG_RATE_PER_SECOND: '4', CACHE_MAX_BYTES: '0' },
    });
  });
  afterAll(() => rig?.close());

  it('serves interactive reads that arrive during a sweep before its remaining pages', async () => {
    await rig.gw.gql('{ gongWorkspaces { id } }');
    const ids = callsStarted(rig, 30 * DAY, 20 * DAY)
      .slice(0, 2)
      .map((c) => c.metaData.id);
    rig.reset();
    const sweep = rig.gw.gateway.changes.tick();
    await eventually(() => (sweepRequests(rig).length > 0 ? true : undefined), 5_000, 'a sweep');
    const reads = ids.map((id) =>
      rig.gw.gql('query ($id: ID!) { gongCall(id: $id) { id } }', { id }),
    );
    await Promise.all(reads);
    await sweep;
    const log = rig.upstream();
    const interactive = log
      .map((e, i) => [e.endpoint, i] as const)
      .filter(([e]) => e === 'GET /v2/calls/{id}');
    const lastSweepPage = log.map((e) => e.endpoint).lastIndexOf('POST /v2/calls/extensive');
    expect(interactive).toHaveLength(2);
    expect(sweepRequests(rig)).toHaveLength(4);
    for (const [, at] of interactive) expect(at).toBeLessThan(lastSweepPage);
  });
});
