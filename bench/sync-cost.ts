/**
 * Scenario: what gongCallsSync costs in upstream requests per day of calls. A simulated day
 * (the sandbox's and the gateway's clocks move together, no wall-clock waits): calls end at an
 * even rate and become visible an hour later; a client syncs every `interval` minutes with
 * `first: 100`. Each scan re-reads its overlap (24 h by default), so a day costs about
 * (scans per day) × ceil(calls in the overlap / 100) requests. Counts are deterministic.
 */
import { createGateway } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { expectData, gql, upstreamCount } from './lib/stack.js';

const MIN = 60_000;
const DAY = 1_440 * MIN;
const QUERY =
  'query ($c: String) { gongCallsSync(checkpoint: $c, first: 100, includePrivate: true) { nodes { id } checkpoint hasMore } }';

interface Row {
  callsPerDay: number;
  overlapMin: number;
  intervalMin: number;
  scans: number;
  requests: number;
  delivered: number;
  duplicates: number;
}

async function simulateDay(
  callsPerDay: number,
  overlapMin: number,
  intervalMin: number,
): Promise<Row> {
  let clock = Math.floor(Date.now() / MIN) * MIN;
  const now = () => clock;
  // The day before the measured one is already synced: seed it, then run one catch-up scan.
  const sandbox = await startSandbox({
    seed: 7,
    users: 50,
    calls: callsPerDay,
    days: 1,
    now,
    rateLimit: false,
    processingDelayMs: 60 * MIN,
    transcriptDelayMs: 180 * MIN,
    processingIntervalMs: 3_600_000,
  });
  const config = loadConfig({
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '1000000',
    SYNC_START_DAYS: '2',
    SYNC_CALLS_OVERLAP_MINUTES: String(overlapMin),
  });
  const gateway = await createGateway(config, { sandbox, logger: silentLogger(), now });
  let checkpoint: string | undefined;
  const ids: string[] = [];
  const scan = async () => {
    for (let i = 0; i < 10_000; i++) {
      const page = expectData(
        await gql<{
          gongCallsSync: { nodes: { id: string }[]; checkpoint: string; hasMore: boolean };
        }>(gateway.url, QUERY, { c: checkpoint }),
        'gongCallsSync',
      ).gongCallsSync;
      ids.push(...page.nodes.map((n) => n.id));
      checkpoint = page.checkpoint;
      if (!page.hasMore) return;
    }
  };
  try {
    await scan();
    sandbox.control.resetLog();
    const before = ids.length;
    const steps = Math.round(DAY / (intervalMin * MIN));
    const perStep = callsPerDay / steps;
    let owed = 0;
    for (let s = 0; s < steps; s++) {
      clock += intervalMin * MIN;
      for (owed += perStep; owed >= 1; owed--)
        await sandbox.control.endCall({ durationSeconds: 1800 });
      await sandbox.control.tick();
      await scan();
    }
    const day = ids.slice(before);
    return {
      callsPerDay,
      overlapMin,
      intervalMin,
      scans: steps,
      requests: upstreamCount(sandbox),
      delivered: new Set(day).size,
      duplicates: day.length - new Set(day).size,
    };
  } finally {
    await gateway.close();
    await sandbox.close();
  }
}

export async function syncCost(o: BenchOptions): Promise<ScenarioResult> {
  const volumes = o.quick ? [200] : [200, 1_000, 3_000];
  const cases: [number, number][] = [
    [120, 15],
    [1_440, 15],
    [1_440, 60],
  ];
  const rows: Row[] = [];
  for (const callsPerDay of volumes) {
    for (const [overlapMin, intervalMin] of cases) {
      const r = await simulateDay(callsPerDay, overlapMin, intervalMin);
      o.log(
        `sync-cost ${callsPerDay} calls/day, overlap ${overlapMin} min, every ${intervalMin} min: ${r.requests} requests`,
      );
      rows.push(r);
    }
  }
  return {
    raw: rows,
    tables: [
      {
        title: 'Incremental sync: upstream requests per day of calls',
        note:
          'One simulated day (clocks moved, no waiting): calls end at an even rate, each visible 1 h after its end; a client chains gongCallsSync (first: 100) every interval. ' +
          'Requests = every /v2/ request the sandbox logged that day (POST /v2/calls/extensive pages). Gong allows 10,000 per day per company. Deterministic counts (one run).',
        columns: [
          'calls/day',
          'overlap min',
          'sync every min',
          'scans',
          'upstream requests/day',
          '% of 10,000/day',
          'calls delivered',
          'duplicates',
        ],
        rows: rows.map((r) => ({
          'calls/day': r.callsPerDay,
          'overlap min': r.overlapMin,
          'sync every min': r.intervalMin,
          scans: r.scans,
          'upstream requests/day': r.requests,
          '% of 10,000/day': (100 * r.requests) / 10_000,
          'calls delivered': r.delivered,
          duplicates: r.duplicates,
        })),
      },
    ],
  };
}
