/**
 * Scenario: the full flows read (GET /v2/users pages + one GET /v2/flows per active user) on a
 * realistic tenant (500 users), under Gong's real 3 requests/s. Measures the first read (a query
 * waits for it), a query past the TTL (served stale while one background refresh runs), and the
 * refresh itself; then what keeping the read warm costs per day at a given TTL.
 */
import { createGateway } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { expectData, gql, upstreamCount } from './lib/stack.js';

const RATE = 3;
const QUERY = '{ gongFlows(first: 100) { totalCount nodes { id } } }';
/** CACHE_FLOWS_TTL_SECONDS' default. */
const FLOWS_DEFAULT_TTL = 21_600;

export async function fullReadRefresh(o: BenchOptions): Promise<ScenarioResult> {
  const users = o.quick ? 60 : 500;
  const ttlSeconds = 300;
  let clock = Date.now();
  // Calls do not matter to this read: a few keep the tenant cheap to build.
  const sandbox = await startSandbox({
    tenantSize: 'realistic',
    users,
    calls: 50,
    rateLimit: { perSecond: RATE, perDay: 100_000 },
  });
  const config = loadConfig({
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    GONG_RATE_PER_SECOND: String(RATE),
    GONG_DAILY_BUDGET: '100000',
    CACHE_TTL_SECONDS: String(ttlSeconds),
    CACHE_FLOWS_TTL_SECONDS: String(ttlSeconds),
    GONG_QUEUE_TIMEOUT_MS: '600000',
    GONG_REQUEST_TIMEOUT_MS: '600000',
  });
  const gateway = await createGateway(config, {
    sandbox,
    logger: silentLogger(),
    now: () => clock,
  });
  try {
    const read = async () =>
      expectData(await gql<{ gongFlows: { totalCount: number } }>(gateway.url, QUERY), 'gongFlows')
        .gongFlows.totalCount;
    let t = performance.now();
    const flows = await read();
    const firstS = (performance.now() - t) / 1000;
    const firstRequests = upstreamCount(sandbox);
    o.log(`full-read-refresh: first read ${firstRequests} requests in ${firstS.toFixed(1)} s`);

    clock += (ttlSeconds + 1) * 1000;
    sandbox.control.resetLog();
    t = performance.now();
    await read();
    const staleMs = performance.now() - t;
    await gateway.cache.settled();
    const refreshS = (performance.now() - t) / 1000;
    const refreshRequests = upstreamCount(sandbox);
    o.log(
      `full-read-refresh: stale answer in ${staleMs.toFixed(0)} ms, refresh ${refreshRequests} requests in ${refreshS.toFixed(1)} s`,
    );
    const perDay = (86_400 / ttlSeconds) * refreshRequests;
    const row = {
      users,
      flows,
      'first read: requests': firstRequests,
      'first read: query waits s': firstS,
      'past TTL: query answers ms': staleMs,
      'refresh: requests': refreshRequests,
      'refresh: background s': refreshS,
      [`kept warm at TTL ${ttlSeconds} s: requests/day`]: perDay,
      '% of 10,000/day': (100 * perDay) / 10_000,
      [`at the flows default ${FLOWS_DEFAULT_TTL} s: requests/day`]:
        (86_400 / FLOWS_DEFAULT_TTL) * refreshRequests,
      'TTL for ≤ 10% of the daily budget, s': Math.ceil((86_400 * refreshRequests) / 1_000),
    };
    return {
      raw: row,
      tables: [
        {
          title: 'Full flows read: refresh cost on a realistic tenant',
          note:
            `Sandbox tenantSize 'realistic' (${users} users, seed 42), limit ${RATE} req/s, gateway GONG_RATE_PER_SECOND=${RATE}, CACHE_TTL_SECONDS=CACHE_FLOWS_TTL_SECONDS=${ttlSeconds} (the flows TTL before it had its own), CACHE_STALE_SECONDS default. ` +
            'The cache clock is moved past the TTL (no waiting); "kept warm" assumes at least one gongFlows query per TTL all day. One run (the counts are deterministic, the seconds follow the 3/s limit).',
          columns: Object.keys(row),
          rows: [row],
        },
      ],
    };
  } finally {
    await gateway.close();
    await sandbox.close();
  }
}
