/**
 * `npx tsx bench/search.ts [--calls 10000] [--engines pglite,postgres] [--queries 40]`: the search
 * read model on a sandbox tenant of N calls over 90 days with transcripts, per engine:
 * - the first fill: Gong requests against the lower bound (calls/100 + transcripts/100), their
 *   time at Gong's 3 requests/second, and the wall time here (sandbox unthrottled);
 * - disk: the model's tables and indexes, and PGlite's whole directory;
 * - p50/p95 latency of gongCallSearch over HTTP for each filter kind, text and a three-filter
 *   combination, and the Gong requests they made (0 expected);
 * - what the same searches cost a client today: paging /v2/calls/extensive over the window and
 *   filtering client-side.
 * Prints markdown on stdout (progress on stderr). Not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import type { CallData } from '../src/gong/wire.js';
import { silentLogger } from '../src/observability/logger.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { postgresAvailable, startPostgres } from '../test/support/postgres-server.js';

type Engine = 'pglite' | 'postgres';

function args() {
  const out = { calls: 10_000, engines: ['pglite', 'postgres'] as Engine[], queries: 40 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i] ?? '';
    if (a === '--calls') out.calls = Number(v);
    else if (a === '--queries') out.queries = Number(v);
    else if (a === '--engines') out.engines = v.split(',') as Engine[];
    else
      throw new Error(
        `unknown argument ${a}: expected --calls N, --engines pglite,postgres, --queries N`,
      );
  }
  return out;
}

const log = (...m: unknown[]) => console.error('[bench:search]', ...m);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};
const ms = (x: number) => x.toFixed(1);
const pick = <T>(xs: readonly T[], i: number): T => xs[(i * 7919) % xs.length] as T;

/** Filters of each kind, drawn from the tenant so each finds something. */
function filterKinds(calls: CallData[]): Record<string, (i: number) => Record<string, unknown>> {
  const emails = [
    ...new Set(calls.flatMap((c) => (c.parties ?? []).map((p) => p.emailAddress)).filter(Boolean)),
  ] as string[];
  const domains = [...new Set(emails.map((e) => e.slice(e.indexOf('@') + 1)))];
  const hosts = [
    ...new Set(calls.map((c) => c.metaData.primaryUserId).filter(Boolean)),
  ] as string[];
  const objects = calls
    .flatMap((c) => (c.context ?? []).flatMap((x) => (x.objects ?? []).map((o) => o.objectId)))
    .filter(Boolean) as string[];
  const workspaces = [
    ...new Set(calls.map((c) => c.metaData.workspaceId).filter(Boolean)),
  ] as string[];
  const trackers = ['Competitors', 'Pricing', 'Security', 'Next steps', 'Objections'];
  const topics = ['Pricing', 'Product Demo', 'Integrations', 'Security', 'Timeline', 'Competition'];
  const words = [
    '"security review"',
    'pricing breakdown',
    '"technical lead"',
    'procurement',
    'dashboard',
    'budget approved',
  ];
  const day = 86_400_000;
  const now = Date.now();
  return {
    participantEmails: (i) => ({ participantEmails: [pick(emails, i)] }),
    participantDomains: (i) => ({ participantDomains: [pick(domains, i)] }),
    primaryUserIds: (i) => ({ primaryUserIds: [pick(hosts, i)] }),
    crmObjectIds: (i) => ({ crmObjectIds: [pick(objects, i)] }),
    trackerNames: (i) => ({ trackerNames: [pick(trackers, i)] }),
    topicNames: (i) => ({ topicNames: [pick(topics, i)] }),
    workspaceId: (i) => ({ workspaceId: pick(workspaces, i) }),
    direction: (i) => ({ direction: pick(['Inbound', 'Outbound', 'Conference'], i) }),
    scope: (i) => ({ scope: pick(['Internal', 'External'], i) }),
    duration: (i) => ({ minDuration: 60 * (i % 20), maxDuration: 60 * (i % 20) + 600 }),
    'from/to': (i) => ({
      from: new Date(now - ((i % 80) + 10) * day).toISOString(),
      to: new Date(now - (i % 80) * day).toISOString(),
    }),
    text: (i) => ({ text: pick(words, i) }),
    // The costly case: a phrase said in most calls (every one of them counted, its positions checked).
    'text: a phrase said in most calls': () => ({ text: '"thanks everyone for joining"' }),
    'text + domain + tracker': (i) => ({
      text: pick(words, i),
      participantDomains: [pick(domains, i)],
      trackerNames: [pick(trackers, i)],
    }),
    'domain + tracker + from': (i) => ({
      participantDomains: [pick(domains, i)],
      trackerNames: [pick(trackers, i)],
      from: new Date(now - 45 * day).toISOString(),
    }),
  };
}

const QUERY = `query($f: GongCallSearchFilter!) { gongCallSearch(filter: $f, first: 20) {
  totalCount hits { score call { id title started primaryUserId parties { emailAddress } }
  snippets { text startMs } } } }`;

async function gql(url: string, f: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { f } }),
  });
  const body = (await res.json()) as {
    errors?: unknown;
    data?: { gongCallSearch: { totalCount: number } };
  };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!.gongCallSearch.totalCount;
}

async function run(engine: Engine, sandbox: Sandbox, calls: CallData[], queries: number) {
  const dir = mkdtempSync(join(tmpdir(), 'gg-bench-search-'));
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  const env: Record<string, string> = pg
    ? { DATABASE_URL: await pg.createDatabase('bench') }
    : { READ_MODEL_DIR: join(dir, 'read-model') };
  sandbox.control.resetLog();
  const started = performance.now();
  const gateway: Gateway = await createGateway(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      GONG_RATE_PER_SECOND: '1000',
      GONG_DAILY_BUDGET: '1000000',
      READ_MODEL: 'on',
      ...env,
    }),
    { sandbox, logger: silentLogger() },
  );
  await gateway.readModel!.fillsSettled();
  await gateway.readModel!.settle();
  const fillSeconds = (performance.now() - started) / 1000;
  const counters = sandbox.control.counters();
  const fillRequests = Object.values(counters).reduce((a, b) => a + b, 0);
  log(engine, 'filled in', fillSeconds.toFixed(1), 's with', fillRequests, 'requests', counters);

  const ready = (await (await fetch(gateway.url.replace('/graphql', '/readyz'))).json()) as {
    details?: { read_model?: { calls?: number } };
  };
  const metrics = await gateway.metrics.registry.metrics();
  const bytes = Number(/gong_gateway_read_model_bytes (\d+(\.\d+)?)/.exec(metrics)?.[1] ?? 0);
  const rows: Record<string, number> = {};
  for (const m of metrics.matchAll(/gong_gateway_read_model_rows\{kind="(\w+)"\} (\d+)/g))
    rows[m[1] ?? ''] = Number(m[2]);
  const dirBytes = pg
    ? undefined
    : Number(
        execFileSync('du', ['-sb', join(dir, 'read-model')])
          .toString()
          .split('\t')[0],
      );

  sandbox.control.resetLog();
  const kinds = filterKinds(calls);
  const latency: Record<string, { p50: number; p95: number; hits: number }> = {};
  for (const [kind, make] of Object.entries(kinds)) {
    for (let i = 0; i < 3; i++) await gql(gateway.url, make(i)); // warm-up
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < queries; i++) {
      const t = performance.now();
      hits += await gql(gateway.url, make(i));
      times.push(performance.now() - t);
    }
    latency[kind] = { p50: pct(times, 50), p95: pct(times, 95), hits: Math.round(hits / queries) };
    log(engine, kind, ms(latency[kind].p50), ms(latency[kind].p95));
  }
  const searchRequests = sandbox.control
    .requestLog()
    .filter((e) => e.path.startsWith('/v2/')).length;
  await gateway.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    engine,
    fillSeconds,
    fillRequests,
    counters,
    bytes,
    dirBytes,
    rows,
    latency,
    searchRequests,
    modelCalls: ready.details?.read_model?.calls,
  };
}

const a = args();
log('starting a sandbox of', a.calls, 'calls over 90 days');
const sandbox = await startSandbox({ rateLimit: false, users: 200, calls: a.calls, days: 90 });
const calls = sandbox.control.allCalls();
const engines = a.engines.filter((e) => e !== 'postgres' || postgresAvailable);
const results: Awaited<ReturnType<typeof run>>[] = [];
for (const engine of engines) results.push(await run(engine, sandbox, calls, a.queries));
await sandbox.close();

const pages = Math.ceil(calls.length / 100);
const lowerBound = pages + Math.ceil(calls.length / 100);
const out: string[] = [];
out.push(`### Search read model (${new Date().toISOString()})`, '');
out.push(
  `Command: \`npx tsx bench/search.ts --calls ${a.calls} --queries ${a.queries}\`. Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end (other work shared the cores). Tenant: ${calls.length} calls over 90 days, 200 users, every call with a transcript (sandbox seed 42).`,
  '',
);
out.push(
  '| | ' + results.map((r) => r.engine).join(' | ') + ' |',
  '| --- |' + results.map(() => ' ---: |').join(''),
);
const row = (name: string, f: (r: (typeof results)[number]) => string) =>
  out.push(`| ${name} | ${results.map(f).join(' | ')} |`);
row('first fill: Gong requests (lower bound ' + lowerBound + ')', (r) => String(r.fillRequests));
row('first fill: time at 3 requests/s', (r) => `${Math.ceil(r.fillRequests / 3)} s`);
row('first fill: wall time here (sandbox unthrottled)', (r) => `${r.fillSeconds.toFixed(0)} s`);
row('calls in the model', (r) => String(r.modelCalls ?? '?'));
row('sentences in the model', (r) => String(r.rows.sentence ?? '?'));
row('disk: tables + indexes', (r) => `${(r.bytes / 2 ** 20).toFixed(0)} MiB`);
row('disk: PGlite directory', (r) =>
  r.dirBytes === undefined ? '—' : `${(r.dirBytes / 2 ** 20).toFixed(0)} MiB`,
);
row(
  'disk per 10,000 calls (tables + indexes)',
  (r) => `${((r.bytes / 2 ** 20) * (10_000 / calls.length)).toFixed(0)} MiB`,
);
row(
  `Gong requests made by ${Object.keys(results[0]?.latency ?? {}).length * (a.queries + 3)} searches`,
  (r) => String(r.searchRequests),
);
for (const kind of Object.keys(results[0]?.latency ?? {}))
  row(`p50 / p95 ms: ${kind} (avg hits)`, (r) => {
    const l = r.latency[kind]!;
    return `${ms(l.p50)} / ${ms(l.p95)} (${l.hits})`;
  });
out.push('');
out.push(
  `The alternative a client has today: page \`/v2/calls/extensive\` over the window with a contentSelector and filter client-side: ${pages} requests per search over 90 days (one per 100 calls; text search also needs \`/v2/calls/transcript\`: ${pages} more), so Gong's 10,000 requests a day allow about ${Math.floor(10_000 / pages)} such searches, shared with every other integration; through the read model each costs 0.`,
);
console.log(out.join('\n'));
