/**
 * Scenario 1: upstream requests per query shape — gateway vs naive resolvers (N+1) vs the lower
 * bound (the perfect REST client) — and wall time under the sandbox's real 3 requests/s limit.
 * Naive wall time is computed (requests / 3 s): running it for real takes minutes per query.
 */
import { startSandbox } from '../src/sandbox/index.js';
import { startNaiveServer } from './baselines/naive-server.js';
import { perfectClient, type ShapeName, type Window } from './baselines/perfect-client.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { counted, expectData, gql, sleep, startGatewayOn, upstreamCount } from './lib/stack.js';
import { medianOf, repeat, verdict, type Row } from './lib/stats.js';
import { statsShapes } from './stats-shapes.js';

const RATE = 3;

function queries(w: Window): Record<ShapeName, string> {
  const calls = (fields: string) =>
    `{ gongCalls(first: ${w.first}, filter: { from: "${w.from}", to: "${w.to}", includePrivate: true }) { nodes { ${fields} } } }`;
  return {
    'calls-nested': calls(
      'id title workspace { id name } primaryUser { id firstName manager { id emailAddress } } parties { name user { id emailAddress } } transcript { monologues { speakerId sentences { start end text } } }',
    ),
    'calls-users': calls('id title primaryUser { id emailAddress }'),
    'calls-parties': calls('id parties { name user { id emailAddress } }'),
    'calls-transcripts': calls(
      'id transcript { monologues { speakerId sentences { start end text } } }',
    ),
    'users-managers': `{ gongUsers(first: ${w.first}) { nodes { id emailAddress manager { id emailAddress } } } }`,
    'flows-full': `{ gongFlows(first: 100) { nodes { id name } } }`,
  };
}

interface Run {
  gateway: number;
  naive: number;
  lowerBound: number;
  gatewayWallMs: number;
  gatewayLimitedRequests: number;
  perfectWallMs: number;
  nodesGateway: number;
  nodesNaive: number;
}

const nodeCount = (data: Record<string, unknown>): number => {
  const root = Object.values(data)[0] as { nodes?: unknown[] } | undefined;
  return root?.nodes?.length ?? 0;
};

export async function upstreamEfficiency(o: BenchOptions): Promise<ScenarioResult> {
  const tenant = o.quick ? { users: 6, calls: 200 } : { users: 50, calls: 2000 };
  const open = await startSandbox({ seed: 42, ...tenant, rateLimit: false });
  const limited = await startSandbox({
    seed: 42,
    ...tenant,
    rateLimit: { perSecond: RATE, perDay: 10_000 },
  });
  const gwOpen = await startGatewayOn(open, {
    CACHE_TTL_SECONDS: '0',
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '1000000',
  });
  const gwLimited = await startGatewayOn(limited, {
    CACHE_TTL_SECONDS: '0',
    GONG_RATE_PER_SECOND: String(RATE),
  });
  const naive = await startNaiveServer(open);
  const now = Date.now();
  const w: Window = {
    from: new Date(now - 100 * 86_400_000).toISOString(),
    to: new Date(now).toISOString(),
    first: o.quick ? 20 : 100,
  };
  const q = queries(w);
  const rows: Row[] = [];
  const raw: Record<string, Run[]> = {};
  try {
    for (const shape of Object.keys(q) as ShapeName[]) {
      const query = q[shape];
      const runs = await repeat(o.runs, async () => {
        let nodesGateway = 0;
        let nodesNaive = 0;
        const gateway = await counted(
          open,
          async () =>
            void (nodesGateway = nodeCount(
              expectData(await gql(gwOpen.url, query), `gateway ${shape}`),
            )),
        );
        const naiveCount = await counted(
          open,
          async () =>
            void (nodesNaive = nodeCount(
              expectData(await gql(naive.url, query), `naive ${shape}`),
            )),
        );
        const lowerBound = await counted(open, () => perfectClient(open)[shape](w));
        // Smoke mode times only the headline shape under 3/s, to stay under a minute.
        if (o.quick && shape !== 'calls-nested')
          return {
            gateway,
            naive: naiveCount,
            lowerBound,
            gatewayWallMs: Number.NaN,
            gatewayLimitedRequests: Number.NaN,
            perfectWallMs: Number.NaN,
            nodesGateway,
            nodesNaive,
          };
        // Timed runs start with a full bucket on both sides (the gateway's own limiter refills in 1 s).
        limited.control.resetRateLimit();
        await sleep(1_100);
        limited.control.resetLog();
        let t = performance.now();
        expectData(await gql(gwLimited.url, query), `gateway (3/s) ${shape}`);
        const gatewayWallMs = performance.now() - t;
        const gatewayLimitedRequests = upstreamCount(limited);
        limited.control.resetRateLimit();
        await sleep(1_100);
        t = performance.now();
        await perfectClient(limited, RATE)[shape](w);
        const perfectWallMs = performance.now() - t;
        return {
          gateway,
          naive: naiveCount,
          lowerBound,
          gatewayWallMs,
          gatewayLimitedRequests,
          perfectWallMs,
          nodesGateway,
          nodesNaive,
        };
      });
      raw[shape] = runs;
      const m = (f: (r: Run) => number) => medianOf(runs, f);
      const naiveWallS = m((r) => r.naive) / RATE;
      rows.push({
        shape,
        'nodes (gw / naive)': `${m((r) => r.nodesGateway)} / ${m((r) => r.nodesNaive)}`,
        'gateway req': m((r) => r.gateway),
        'lower bound': m((r) => r.lowerBound),
        'naive req': m((r) => r.naive),
        'naive / gateway': m((r) => r.naive / r.gateway),
        'gateway wall s (3/s)': m((r) => r.gatewayWallMs) / 1000,
        'perfect client wall s (3/s)': m((r) => r.perfectWallMs) / 1000,
        'gateway / perfect (time)': m((r) => r.gatewayWallMs / r.perfectWallMs),
        'naive wall s (computed = req/3)': naiveWallS,
        'target: = lower bound': verdict(m((r) => r.gateway) <= m((r) => r.lowerBound)),
        ...(shape === 'calls-nested'
          ? { 'target: ≥30x fewer than naive': verdict(m((r) => r.naive / r.gateway) >= 30) }
          : {}),
      });
      o.log(
        `upstream ${shape}: gateway ${m((r) => r.gateway)} / lower ${m((r) => r.lowerBound)} / naive ${m((r) => r.naive)}`,
      );
    }
  } finally {
    await naive.close();
    await gwOpen.close();
    await gwLimited.close();
    await open.close();
    await limited.close();
  }
  // The stats, scorecard and library shapes: same measure, their own tenant and baselines.
  const stats = await statsShapes(o);
  return {
    raw: { ...raw, stats: stats.raw },
    tables: [
      {
        title: 'Upstream efficiency',
        note:
          `Tenant: ${tenant.users} users, ${tenant.calls} calls (seed 42); first: ${w.first}. Request counts with the rate limit off (gateway cache off); wall times under the sandbox's real ${RATE} req/s token bucket, ` +
          `starting from a full bucket. Naive wall time is computed as requests / ${RATE} s, not run.${o.quick ? ' Smoke mode times only calls-nested.' : ''} Lower bound = the perfect REST client's requests (one per batch endpoint per dependency level, 100 ids per request). Medians of ${o.runs} run(s).`,
        columns: [
          'shape',
          'nodes (gw / naive)',
          'gateway req',
          'lower bound',
          'naive req',
          'naive / gateway',
          'gateway wall s (3/s)',
          'perfect client wall s (3/s)',
          'gateway / perfect (time)',
          'naive wall s (computed = req/3)',
          'target: = lower bound',
          'target: ≥30x fewer than naive',
        ],
        rows,
      },
      ...stats.tables,
    ],
  };
}
