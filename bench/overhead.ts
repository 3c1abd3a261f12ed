/**
 * Scenario 2: overhead on loopback. autocannon (this process) against servers each alone in a
 * child process: the gateway on a cached query and on a one-upstream-request query, direct REST to
 * the sandbox for the same data, and a bare Apollo Server with a trivial resolver. CPU and memory
 * are the server-under-test process's own (the sandbox's are not counted for the gateway).
 */
import autocannon, { type Request } from 'autocannon';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { spawnServer, type ServerChild } from './lib/spawn.js';
import { medianOf, verdict, type Row } from './lib/stats.js';
import { BARE_QUERY } from './baselines/bare-server.js';
import { VIEW_QUERY } from './views/workload.js';

interface Target {
  name: string;
  server: ServerChild;
  url: string;
  request: Request;
  /** Sandbox child whose `/v2/` count tells upstream requests per operation. */
  upstreamOf?: ServerChild;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  cpuMsPer1k: number;
  rssMiB: number;
  retainedHeapKiBPer1k: number;
  upstreamPerOp: number;
}

const json = { 'content-type': 'application/json' };
const gqlBody = (query: string) => JSON.stringify({ query });

async function measure(t: Target, seconds: number, connections: number): Promise<Run> {
  // Warm-up: JIT, caches and keep-alive sockets; its numbers are discarded.
  await autocannon({
    url: t.url,
    connections,
    duration: Math.max(0.5, seconds / 5),
    requests: [t.request],
  });
  const before = await t.server.stats(true);
  const upBefore = t.upstreamOf ? (await t.upstreamOf.stats()).upstream : 0;
  const r = await autocannon({ url: t.url, connections, duration: seconds, requests: [t.request] });
  const upAfter = t.upstreamOf ? (await t.upstreamOf.stats()).upstream : 0;
  const afterNoGc = await t.server.stats(false);
  const after = await t.server.stats(true);
  const n = r.requests.total;
  const cpuUs = afterNoGc.cpu.user + afterNoGc.cpu.system - before.cpu.user - before.cpu.system;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    requests: n,
    cpuMsPer1k: n > 0 ? cpuUs / 1000 / (n / 1000) : Number.NaN,
    rssMiB: afterNoGc.mem.rss / 2 ** 20,
    retainedHeapKiBPer1k:
      n > 0 ? (after.mem.heapUsed - before.mem.heapUsed) / 1024 / (n / 1000) : Number.NaN,
    upstreamPerOp: t.upstreamOf && n > 0 ? (upAfter - upBefore) / n : 0,
  };
}

/** A call of the window (the last of the first page), read by direct REST. */
async function recentCallId(base: string, basic: string, from: string): Promise<string> {
  const res = await fetch(
    `${base}/v2/calls?${new URLSearchParams({ fromDateTime: from, toDateTime: new Date().toISOString() }).toString()}`,
    { headers: { authorization: basic } },
  );
  const body = (await res.json()) as { calls?: { id: string }[] };
  const id = body.calls?.at(-1)?.id;
  if (!id) throw new Error(`overhead: no call to view (HTTP ${res.status})`);
  return id;
}

export async function overhead(o: BenchOptions): Promise<ScenarioResult> {
  const seconds = o.quick ? 1 : 5;
  const connections = 10;
  const [sandbox, bare] = await Promise.all([
    spawnServer({
      kind: 'sandbox',
      options: { seed: 42, users: 50, calls: 2000, rateLimit: false },
    }),
    spawnServer({ kind: 'bare' }),
  ]);
  const key = sandbox.info.accessKey ?? '';
  const secret = sandbox.info.accessKeySecret ?? '';
  const gateway = await spawnServer({
    kind: 'gateway',
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      GATEWAY_AUTH: 'none',
      GONG_ACCESS_KEY: key,
      GONG_ACCESS_KEY_SECRET: secret,
      GONG_API_BASE_URL: sandbox.info.url,
      GONG_RATE_PER_SECOND: '1000',
      GONG_DAILY_BUDGET: '10000000',
      GONG_QUEUE_MAX: '100000',
      CACHE_TTL_SECONDS: '3600',
      // The entity cache on (its default size, said here because the cached-view row depends on it).
      CACHE_MAX_BYTES: String(64 << 20),
    },
  });
  const basic = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
  const now = Date.now();
  const from = new Date(now - 100 * 86_400_000).toISOString();
  // The cached call view: the views scenario's query for one call, warmed once so the entity cache holds it.
  const viewBody = JSON.stringify({
    query: VIEW_QUERY,
    variables: { id: await recentCallId(sandbox.info.url, basic, from) },
  });
  const warm = await fetch(gateway.info.url, { method: 'POST', headers: json, body: viewBody });
  const warmedText = await warm.text();
  const warmed = JSON.parse(warmedText) as {
    data?: { gongCall?: { transcript?: unknown } | null };
    errors?: unknown[];
  };
  if (warmed.errors || !warmed.data?.gongCall?.transcript)
    throw new Error(
      `overhead: warming the call view failed: ${JSON.stringify(warmed).slice(0, 300)}`,
    );
  // Bare Apollo serving that same answer from memory: the GraphQL execution the view costs anyway.
  const bareView = await spawnServer({ kind: 'bare-view', answer: warmed.data.gongCall });
  // A different `to` per request (1 ms apart) so that no two operations coalesce into one upstream request.
  let seq = 0;
  const windowTo = () => new Date(now - (seq++ % 1_000_000)).toISOString();

  const targets: Target[] = [
    {
      name: 'bare Apollo `{ hello }`',
      server: bare,
      url: bare.info.url,
      request: { method: 'POST', path: '/graphql', headers: json, body: gqlBody(BARE_QUERY) },
    },
    {
      name: 'gateway cached `gongWorkspaces`',
      server: gateway,
      url: gateway.info.url,
      upstreamOf: sandbox,
      request: {
        method: 'POST',
        path: '/graphql',
        headers: json,
        body: gqlBody('{ gongWorkspaces { id name } }'),
      },
    },
    {
      name: 'direct REST `GET /v2/workspaces`',
      server: sandbox,
      url: sandbox.info.url,
      upstreamOf: sandbox,
      request: { method: 'GET', path: '/v2/workspaces', headers: { authorization: basic } },
    },
    {
      name: 'gateway 1-upstream `gongCalls(first: 10)`',
      server: gateway,
      url: gateway.info.url,
      upstreamOf: sandbox,
      request: {
        method: 'POST',
        path: '/graphql',
        headers: json,
        setupRequest: (req) => ({
          ...req,
          body: gqlBody(
            `{ gongCalls(first: 10, filter: { from: "${from}", to: "${windowTo()}" }) { nodes { id title started } } }`,
          ),
        }),
      },
    },
    {
      name: 'direct REST `GET /v2/calls`',
      server: sandbox,
      url: sandbox.info.url,
      upstreamOf: sandbox,
      request: {
        method: 'GET',
        headers: { authorization: basic },
        setupRequest: (req) => ({
          ...req,
          path: `/v2/calls?${new URLSearchParams({ fromDateTime: from, toDateTime: windowTo() }).toString()}`,
        }),
      },
    },
    {
      name: 'gateway: cached call view',
      server: gateway,
      url: gateway.info.url,
      upstreamOf: sandbox,
      request: { method: 'POST', path: '/graphql', headers: json, body: viewBody },
    },
    {
      name: 'bare Apollo: the same view answer from memory',
      server: bareView,
      url: bareView.info.url,
      request: { method: 'POST', path: '/graphql', headers: json, body: viewBody },
    },
  ];
  const raw: Record<string, Run[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  const rows: Row[] = [];
  try {
    // Round-robin over targets within each repetition: the machine is shared, so load swings hit
    // every target alike and same-repetition ratios stay meaningful.
    for (let i = 0; i < o.runs; i++) {
      for (const t of targets) {
        const r = await measure(t, seconds, connections);
        raw[t.name]?.push(r);
        o.log(`overhead run ${i + 1} ${t.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms`);
      }
    }
    const m = (name: string, f: (r: Run) => number) => medianOf(raw[name] ?? [], f);
    /** Median over repetitions of this/vs measured in the same repetition. */
    const ratio = (name: string, vs: string, f: (r: Run) => number) => {
      const a = raw[name] ?? [];
      const b = raw[vs] ?? [];
      return medianOf(
        a.map((r, i) => f(r) / f(b[i] ?? r)),
        (x) => x,
      );
    };
    const [bareT, cached, restWs, oneUp, restCalls, view, bareViewT] = targets.map(
      (t) => t.name,
    ) as [string, string, string, string, string, string, string];
    const compare: Record<string, string | undefined> = {
      [cached]: bareT,
      [restWs]: undefined,
      [oneUp]: restCalls,
      [bareT]: undefined,
      [restCalls]: undefined,
      [view]: bareT,
      [bareViewT]: bareT,
    };
    for (const t of targets) {
      const vs = compare[t.name];
      rows.push({
        target: t.name,
        'req/s': m(t.name, (r) => r.rps),
        'p50 ms': m(t.name, (r) => r.p50),
        'p99 ms': m(t.name, (r) => r.p99),
        errors: m(t.name, (r) => r.errors),
        'upstream / op': t.upstreamOf ? m(t.name, (r) => r.upstreamPerOp) : undefined,
        'CPU ms / 1k req': m(t.name, (r) => r.cpuMsPer1k),
        'RSS MiB': m(t.name, (r) => r.rssMiB),
        'retained heap KiB / 1k req': m(t.name, (r) => r.retainedHeapKiBPer1k),
        vs,
        'req/s ratio (this / vs)': vs ? ratio(t.name, vs, (r) => r.rps) : undefined,
        'p50 ratio': vs ? ratio(t.name, vs, (r) => r.p50) : undefined,
        'CPU ratio': vs ? ratio(t.name, vs, (r) => r.cpuMsPer1k) : undefined,
        'target: within 2x of bare':
          t.name === cached ? verdict(1 / ratio(cached, bareT, (r) => r.rps) <= 2) : undefined,
        'target: CPU within 1.5x of bare':
          t.name === view ? verdict(ratio(view, bareT, (r) => r.cpuMsPer1k) <= 1.5) : undefined,
        'CPU ratio vs bare with the same answer':
          t.name === view ? ratio(view, bareViewT, (r) => r.cpuMsPer1k) : undefined,
      });
    }
  } finally {
    await gateway.stop();
    await bare.stop();
    await bareView.stop();
    await sandbox.stop();
  }
  return {
    raw,
    tables: [
      {
        title: 'Overhead on loopback',
        note:
          `autocannon, ${connections} connections, pipelining 1, ${seconds} s per run after a discarded warm-up; every server alone in its own Node process (load generator in the parent). ` +
          `CPU = the server-under-test process's user+system time; for the gateway rows the sandbox's CPU is not included. "within 2x" = bare req/s ÷ gateway req/s ≤ 2 (ratios are medians of same-repetition ratios). ` +
          `"cached call view" = the call-page-views query (call, parties with users, primary user, transcript; a ${(Buffer.byteLength(warmedText) / 1024).toFixed(0)} KiB answer) for one call the entity cache holds (warmed once; upstream / op ≈ 0 confirms it); "CPU within 1.5x" = its CPU ms per 1k requests ÷ bare Apollo \`{ hello }\`'s ≤ 1.5; "vs bare with the same answer" divides by a bare Apollo whose resolver returns that same answer from memory (the view's schema shape, \`bench/baselines/bare-view-server.ts\`): the part of the cost that is the gateway's own. Medians of ${o.runs} run(s).`,
        columns: [
          'target',
          'req/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'upstream / op',
          'CPU ms / 1k req',
          'RSS MiB',
          'retained heap KiB / 1k req',
          'vs',
          'req/s ratio (this / vs)',
          'p50 ratio',
          'CPU ratio',
          'target: within 2x of bare',
          'target: CPU within 1.5x of bare',
          'CPU ratio vs bare with the same answer',
        ],
        rows,
      },
    ],
  };
}
