/**
 * CPU profile of the gateway's one-upstream query (the "gateway 1-upstream" row of ./../overhead.ts):
 * sandbox in a child process (its CPU stays out of the profile), gateway in this process, load from
 * autocannon here too (its frames are under node_modules/autocannon and are set apart by ./analyse.ts).
 * The profiler runs only around the measured window, after a warm-up, so start-up and JIT are excluded.
 *
 *   npx tsx bench/profile/one-upstream.ts [seconds=10] [out=bench/profile/out/one-upstream.cpuprofile] [--variables]
 *
 * `--variables` sends the same document with the window in variables, as a real client would: the
 * difference to the default is what parsing and validating a never-seen document costs per request.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Session } from 'node:inspector/promises';
import autocannon from 'autocannon';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { spawnServer } from '../lib/spawn.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(positional[0] ?? 10);
const out = positional[1] ?? 'bench/profile/out/one-upstream.cpuprofile';
const withVariables = process.argv.includes('--variables');

const sandbox = await spawnServer({
  kind: 'sandbox',
  options: { seed: 42, users: 50, calls: 2000, rateLimit: false },
});
const gateway = await createGateway(
  loadConfig({
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    GATEWAY_AUTH: 'none',
    GONG_ACCESS_KEY: sandbox.info.accessKey ?? '',
    GONG_ACCESS_KEY_SECRET: sandbox.info.accessKeySecret ?? '',
    GONG_API_BASE_URL: sandbox.info.url,
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '10000000',
    GONG_QUEUE_MAX: '100000',
    CACHE_TTL_SECONDS: '3600',
  }),
  { logger: silentLogger() },
);

const now = Date.now();
const from = new Date(now - 100 * 86_400_000).toISOString();
// Same as bench/overhead.ts: a different `to` per request so nothing coalesces.
let seq = 0;
const to = () => new Date(now - (seq++ % 1_000_000)).toISOString();
const VARIABLES_QUERY =
  'query($from: DateTime, $to: DateTime) { gongCalls(first: 10, filter: { from: $from, to: $to }) { nodes { id title started } } }';
const body = () =>
  withVariables
    ? JSON.stringify({ query: VARIABLES_QUERY, variables: { from, to: to() } })
    : JSON.stringify({
        query: `{ gongCalls(first: 10, filter: { from: "${from}", to: "${to()}" }) { nodes { id title started } } }`,
      });
const load = (duration: number) =>
  autocannon({
    url: gateway.url,
    connections: 10,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json' },
        setupRequest: (r) => ({ ...r, body: body() }),
      },
    ],
  });

const first = await fetch(gateway.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: body(),
});
process.stderr.write(`sample answer: ${(await first.text()).slice(0, 200)}\n`);
await load(2);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const cpu0 = process.cpuUsage();
const r = await load(seconds);
const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post('Profiler.stop');
session.disconnect();

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(profile));
const n = r.requests.total;
process.stderr.write(
  `${n} requests, ${r.requests.average} req/s, p50 ${r.latency.p50} ms, errors ${r.errors + r.non2xx}; ` +
    `process CPU (gateway + load generator) ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms/req; profile: ${out}\n`,
);
await gateway.close();
await sandbox.stop();
process.exit(0);
