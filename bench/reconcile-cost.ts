/**
 * Scenario: what the reconciler costs, with the defaults (RECONCILE_RECENT_INTERVAL_SECONDS 300,
 * RECONCILE_INTERVAL_SECONDS 3600, RECONCILE_WINDOW_DAYS 14, RECONCILE_BUDGET_SHARE 0.1 of
 * GONG_DAILY_BUDGET 10,000), and how stale a change can stay. One simulated day per volume (the
 * sandbox's and the gateway's clocks move together in 1-minute ticks, no wall-clock waits): the
 * tenant holds 15 days of calls, new calls end at an even rate, a few calls are renamed or deleted
 * each hour, and two privacy flips (one call of the last day, one a week old) are made at the start
 * of the day and timed until their MADE_PRIVATE event. Requests are every /v2/ request the
 * sandbox logged that day (the connection is only swept: no other traffic). Deterministic counts.
 */
import { createGateway, type Gateway } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/types.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { expectData, gql, upstreamCount } from './lib/stack.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const DAYS_SEEDED = 15;

interface Row {
  callsPerDay: number;
  inWindow: number;
  fullSweepRequests: number;
  recentSweepRequests: number;
  fullSweeps: number;
  recentSweeps: number;
  requestsPerDay: number;
  stretch: number;
  recentIntervalMin: number;
  fullIntervalMin: number;
  recentFlipDetectedMin: number | undefined;
  oldFlipDetectedMin: number | undefined;
  changes: number;
}

const counter = async (g: Gateway, kind?: string) =>
  (await g.metrics.callChanges.get()).values
    .filter((v) => kind === undefined || v.labels.kind === kind)
    .reduce((n, v) => n + v.value, 0);

const gauge = async (g: Gateway, sweep: string) =>
  (await g.metrics.reconcileIntervalSeconds.get()).values.find((v) => v.labels.sweep === sweep)
    ?.value ?? 0;

function startedBetween(sandbox: Sandbox, now: number, fromAgo: number, toAgo: number) {
  return sandbox.control
    .allCalls()
    .filter((c) => {
      const t = Date.parse(c.metaData.started ?? '');
      return !c.metaData.isPrivate && t >= now - fromAgo && t < now - toAgo;
    })
    .map((c) => c.metaData.id);
}

async function simulateDay(callsPerDay: number, log: (l: string) => void): Promise<Row> {
  let clock = Math.floor(Date.now() / HOUR) * HOUR;
  const now = () => clock;
  const sandbox = await startSandbox({
    seed: 11,
    users: 50,
    calls: callsPerDay * DAYS_SEEDED,
    days: DAYS_SEEDED,
    now,
    rateLimit: false,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    processingIntervalMs: 3_600_000,
  });
  // The defaults, but for a rate that lets the simulation run fast (the budget is the default).
  const config = loadConfig({
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    GONG_RATE_PER_SECOND: '1000',
  });
  const gateway = await createGateway(config, { sandbox, logger: silentLogger(), now });
  try {
    // In use, and its index built before the measured day (that first sweep is a one-off).
    expectData(await gql(gateway.url, '{ gongWorkspaces { id } }'), 'gongWorkspaces');
    await gateway.changes.tick();
    const inWindow = startedBetween(sandbox, clock, 14 * DAY, 0).length;
    log(`reconcile-cost ${callsPerDay}/day: index built over ${inWindow} calls`);

    const recent = startedBetween(sandbox, clock, DAY - HOUR, HOUR)[0];
    const old = startedBetween(sandbox, clock, 8 * DAY, 6 * DAY)[0];
    if (!recent || !old) throw new Error('no call to flip');
    sandbox.control.editCall(recent, { isPrivate: true });
    sandbox.control.editCall(old, { isPrivate: true });
    const dayStart = clock;
    sandbox.control.resetLog();
    const flips: number[] = [];
    let full = { n: 0, requests: 0 };
    let partial = { n: 0, requests: 0 };
    const perMinute = callsPerDay / (DAY / MIN);
    let owed = 0;
    const changesBefore = await counter(gateway);
    for (let t = 0; t < DAY / MIN; t++) {
      clock += MIN;
      for (owed += perMinute; owed >= 1; owed--)
        await sandbox.control.endCall({ durationSeconds: 1800 });
      // Now and then Gong users rename or delete a call of the last two weeks.
      if (t % 60 === 30) {
        const [renamed, deleted] = startedBetween(sandbox, clock, 13 * DAY, 2 * HOUR).slice(t % 7);
        if (renamed) sandbox.control.editCall(renamed, { title: `Renamed at minute ${t}` });
        if (deleted) sandbox.control.deleteCall(deleted);
      }
      await sandbox.control.tick();
      for (const r of await gateway.changes.tick()) {
        if (r.kind === 'full') full = { n: full.n + 1, requests: full.requests + r.requests };
        else partial = { n: partial.n + 1, requests: partial.requests + r.requests };
      }
      const made = await counter(gateway, 'MADE_PRIVATE');
      while (flips.length < made) flips.push((clock - dayStart) / MIN);
    }
    const stretch = (await gateway.metrics.reconcileStretch.get()).values[0]?.value ?? Number.NaN;
    return {
      callsPerDay,
      inWindow,
      fullSweepRequests: full.n > 0 ? full.requests / full.n : Number.NaN,
      recentSweepRequests: partial.n > 0 ? partial.requests / partial.n : Number.NaN,
      fullSweeps: full.n,
      recentSweeps: partial.n,
      requestsPerDay: upstreamCount(sandbox),
      stretch,
      recentIntervalMin: (await gauge(gateway, 'recent')) / 60,
      fullIntervalMin: (await gauge(gateway, 'full')) / 60,
      recentFlipDetectedMin: flips[0],
      oldFlipDetectedMin: flips[1],
      changes: (await counter(gateway)) - changesBefore,
    };
  } finally {
    await gateway.close();
    await sandbox.close();
  }
}

const round = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '–' : Number(n.toFixed(digits));

export async function reconcileCost(o: BenchOptions): Promise<ScenarioResult> {
  const volumes = o.quick ? [200] : [200, 1_000, 3_000];
  const rows: Row[] = [];
  for (const v of volumes) {
    const r = await simulateDay(v, o.log);
    o.log(`reconcile-cost ${v}/day: ${r.requestsPerDay} requests, stretch ${r.stretch.toFixed(2)}`);
    rows.push(r);
  }
  return {
    raw: rows,
    tables: [
      {
        title: 'Reconciler: upstream requests per day and staleness, with the defaults',
        note:
          'One simulated day per row (1-minute ticks, clocks moved, no waiting), after the index was built: the tenant holds 15 days of calls; new ones end at an even rate; each hour one call is renamed and one deleted; ' +
          'two calls are made private at the start (one of the last 24 h, one a week old) and timed until their MADE_PRIVATE event. Requests = every /v2/ request the sandbox logged that day. ' +
          'Defaults: last 24 h every 5 min, 14-day window every 60 min, ≤ 10% of 10,000/day (1,000), both intervals stretched by the same factor when the cadence would cost more.',
        columns: [
          'calls/day',
          'calls in window',
          'requests a full sweep',
          'requests a recent sweep',
          'full / recent sweeps that day',
          'stretch',
          'recent / full interval (min)',
          'upstream requests/day',
          '% of 10,000/day',
          'flip of a call < 24 h old seen after (min)',
          'flip of a week-old call seen after (min)',
          'changes published',
        ],
        rows: rows.map((r) => ({
          'calls/day': r.callsPerDay,
          'calls in window': r.inWindow,
          'requests a full sweep': round(r.fullSweepRequests, 1),
          'requests a recent sweep': round(r.recentSweepRequests, 1),
          'full / recent sweeps that day': `${r.fullSweeps} / ${r.recentSweeps}`,
          stretch: round(r.stretch, 2),
          'recent / full interval (min)': `${round(r.recentIntervalMin)} / ${round(r.fullIntervalMin)}`,
          'upstream requests/day': r.requestsPerDay,
          '% of 10,000/day': round((r.requestsPerDay / 10_000) * 100, 1),
          'flip of a call < 24 h old seen after (min)': round(r.recentFlipDetectedMin),
          'flip of a week-old call seen after (min)': round(r.oldFlipDetectedMin),
          'changes published': r.changes,
        })),
      },
    ],
  };
}
