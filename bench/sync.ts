/**
 * Scenario 4: incremental sync throughput. `gongCallsSync` chained from no checkpoint to
 * `hasMore: false` over a tenant of 10,000 calls under the sandbox's real 3 requests/s limit
 * (gateway budget 3/s too). The budget's theoretical maximum is 3 requests × 100 calls = 300 calls/s.
 */
import { startSandbox } from '../src/sandbox/index.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { expectData, gql, sleep, startGatewayOn, upstreamCount } from './lib/stack.js';
import { medianOf, repeat, verdict } from './lib/stats.js';

const RATE = 3;
const MAX_CALLS_PER_S = RATE * 100;
const QUERY =
  'query ($c: String) { gongCallsSync(checkpoint: $c, first: 100, includePrivate: true) { nodes { id } checkpoint hasMore } }';

interface Run {
  calls: number;
  distinct: number;
  pages: number;
  requests: number;
  wallS: number;
}

export async function sync(o: BenchOptions): Promise<ScenarioResult> {
  const calls = o.quick ? 600 : 10_000;
  const sandbox = await startSandbox({
    seed: 42,
    users: 50,
    calls,
    rateLimit: { perSecond: RATE, perDay: 10_000 },
  });
  // SYNC_START_DAYS past the tenant's 90 days so that the first scan covers every call.
  const gateway = await startGatewayOn(sandbox, {
    GONG_RATE_PER_SECOND: String(RATE),
    SYNC_START_DAYS: '91',
    GONG_QUEUE_TIMEOUT_MS: '600000',
    GONG_REQUEST_TIMEOUT_MS: '600000',
  });
  try {
    const runs = await repeat(o.runs, async (i) => {
      sandbox.control.resetRateLimit();
      await sleep(1_100);
      sandbox.control.resetLog();
      const seen = new Set<string>();
      let delivered = 0;
      let checkpoint: string | undefined;
      let pages = 0;
      const t = performance.now();
      // Bounded: far more pages than 10,000 calls need, and 10 minutes.
      for (; pages < 1_000 && performance.now() - t < 600_000;) {
        const page = expectData(
          await gql<{
            gongCallsSync: { nodes: { id: string }[]; checkpoint: string; hasMore: boolean };
          }>(gateway.url, QUERY, { c: checkpoint }),
          'gongCallsSync',
        ).gongCallsSync;
        pages++;
        delivered += page.nodes.length;
        for (const n of page.nodes) seen.add(n.id);
        checkpoint = page.checkpoint;
        if (!page.hasMore) break;
      }
      const run: Run = {
        calls: delivered,
        distinct: seen.size,
        pages,
        requests: upstreamCount(sandbox),
        wallS: (performance.now() - t) / 1000,
      };
      o.log(
        `sync run ${i + 1}: ${run.distinct} calls in ${run.wallS.toFixed(1)} s, ${run.requests} requests`,
      );
      return run;
    });
    const m = (f: (r: Run) => number) => medianOf(runs, f);
    const callsPerS = m((r) => r.distinct / r.wallS);
    return {
      raw: runs,
      tables: [
        {
          title: 'Incremental sync (gongCallsSync)',
          note:
            `Tenant of ${calls} calls (seed 42, all visible), sandbox limit ${RATE} req/s (token bucket, capacity 3), gateway GONG_RATE_PER_SECOND=${RATE}; chain from no checkpoint to hasMore: false, first: 100, includePrivate: true. ` +
            `Theoretical maximum = ${RATE} requests/s × 100 calls = ${MAX_CALLS_PER_S} calls/s. Medians of ${o.runs} run(s).`,
          columns: [
            'tenant calls',
            'distinct calls delivered',
            'duplicates',
            'pages',
            'upstream requests',
            'minimum requests',
            'wall s',
            'calls/s',
            'budget max calls/s',
            '% of max',
            'target: ≥ 90% of max',
          ],
          rows: [
            {
              'tenant calls': calls,
              'distinct calls delivered': m((r) => r.distinct),
              duplicates: m((r) => r.calls - r.distinct),
              pages: m((r) => r.pages),
              'upstream requests': m((r) => r.requests),
              'minimum requests': Math.ceil(calls / 100),
              'wall s': m((r) => r.wallS),
              'calls/s': callsPerS,
              'budget max calls/s': MAX_CALLS_PER_S,
              '% of max': (100 * callsPerS) / MAX_CALLS_PER_S,
              'target: ≥ 90% of max': verdict(callsPerS >= 0.9 * MAX_CALLS_PER_S),
            },
          ],
        },
      ],
    };
  } finally {
    await gateway.close();
    await sandbox.close();
  }
}
