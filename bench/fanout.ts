/**
 * Scenario 3: subscription fan-out. Sandbox webhook rule → signed POST to the gateway's webhook
 * route → event log → N graphql-ws subscribers. Latency per delivery = subscriber's receive time −
 * the event's `receivedAt` (set by the gateway that accepted the webhook). Gateways run in child
 * processes; subscribers share this process. Two instances: a real redis-server, subscribers split
 * across both gateways, webhooks posted to the first.
 */
import { createClient, type Client } from 'graphql-ws';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/types.js';
import { freePort } from '../test/support/ports.js';
import { startRedis, type RedisServer } from '../test/support/redis.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { spawnServer, type ServerChild } from './lib/spawn.js';
import { sleep, waitFor } from './lib/stack.js';
import { medianOf, percentile, verdict, type Row } from './lib/stats.js';

const SUBSCRIPTION = 'subscription { gongCallCreated { eventId receivedAt call { id } } }';

interface Subscriber {
  client: Client;
  /** callId → ms latency (receive − receivedAt) and receive time. */
  got: Map<string, { latency: number; at: number }>;
}

async function startGateway(
  sandbox: Sandbox,
  extra: Record<string, string>,
): Promise<{ child: ServerChild; wsUrl: string; webhookUrl: string }> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const child = await spawnServer({
    kind: 'gateway',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: 'silent',
      GATEWAY_AUTH: 'none',
      GONG_ACCESS_KEY: sandbox.accessKey,
      GONG_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      GONG_API_BASE_URL: sandbox.url,
      GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
      GONG_RATE_PER_SECOND: '1000',
      GONG_DAILY_BUDGET: '1000000',
      // The transcript poller would spend CPU on a timer during the measurement; push it out.
      TRANSCRIPT_POLL_INITIAL_SECONDS: '3600',
      ...extra,
    },
  });
  return {
    child,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    webhookUrl: `${publicUrl}/webhooks/gong/default`,
  };
}

function subscribe(url: string): Subscriber {
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  const s: Subscriber = { client, got: new Map() };
  client.subscribe<{ gongCallCreated: { receivedAt: string; call: { id: string } } }>(
    { query: SUBSCRIPTION },
    {
      next: (r) => {
        const at = Date.now();
        const ev = r.data?.gongCallCreated;
        if (ev) s.got.set(ev.call.id, { latency: at - Date.parse(ev.receivedAt), at });
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return s;
}

interface CaseRun {
  p50: number;
  p99: number;
  max: number;
  burstEventsPerS: number;
  burstDeliveriesPerS: number;
  burstP99: number;
}

/** Spaced events (latency without queueing), then a burst (throughput). */
async function measureRun(
  sandbox: Sandbox,
  subs: Subscriber[],
  spaced: number,
  burst: number,
): Promise<CaseRun> {
  const latencies: number[] = [];
  for (let i = 0; i < spaced; i++) {
    const id = await sandbox.control.endCall({ title: `fan-out ${i}`, isPrivate: false });
    await sandbox.control.tick();
    await waitFor(
      () => subs.every((s) => s.got.has(id)),
      20_000,
      `event ${i} at ${subs.length} subscribers`,
    );
    for (const s of subs) latencies.push(s.got.get(id)?.latency ?? Number.NaN);
    await sleep(50);
  }
  const ids: string[] = [];
  for (let i = 0; i < burst; i++)
    ids.push(await sandbox.control.endCall({ title: `burst ${i}`, isPrivate: false }));
  const t0 = Date.now();
  await sandbox.control.tick();
  await waitFor(
    () => subs.every((s) => ids.every((id) => s.got.has(id))),
    60_000,
    `burst of ${burst} at ${subs.length} subscribers`,
  );
  const last = Math.max(...subs.flatMap((s) => ids.map((id) => s.got.get(id)?.at ?? 0)));
  const burstLat = subs.flatMap((s) => ids.map((id) => s.got.get(id)?.latency ?? Number.NaN));
  const seconds = Math.max(1, last - t0) / 1000;
  for (const s of subs) s.got.clear();
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    burstEventsPerS: burst / seconds,
    burstDeliveriesPerS: (burst * subs.length) / seconds,
    burstP99: percentile(burstLat, 99),
  };
}

async function openSubscribers(
  targets: { wsUrl: string; child: ServerChild }[],
  n: number,
): Promise<Subscriber[]> {
  const subs: Subscriber[] = [];
  for (let i = 0; i < n; i++) subs.push(subscribe(targets[i % targets.length]?.wsUrl ?? ''));
  const per = targets.map((_, k) => subs.filter((_s, i) => i % targets.length === k).length);
  await waitFor(
    async () =>
      (
        await Promise.all(
          targets.map(async (t, k) => (await t.child.stats()).subscriptions >= (per[k] ?? 0)),
        )
      ).every(Boolean),
    60_000,
    `${n} subscriptions`,
  );
  return subs;
}

export async function fanout(o: BenchOptions): Promise<ScenarioResult> {
  const spaced = o.quick ? 3 : 20;
  const burst = o.quick ? 5 : 50;
  const single = o.quick ? [1, 100] : [1, 100, 1000];
  const double = o.quick ? [100] : [100, 1000];
  const sandbox = await startSandbox({
    rateLimit: false,
    users: 10,
    calls: 30,
    processingDelayMs: 0,
    transcriptDelayMs: 86_400_000,
    webhookRetry: { attempts: 1, delayMs: 50 },
  });
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  let redis: RedisServer | undefined;
  const children: ServerChild[] = [];
  const runCase = async (
    label: string,
    gateways: { wsUrl: string; child: ServerChild }[],
    n: number,
    target: number,
  ) => {
    const before = await Promise.all(gateways.map((g) => g.child.stats(true)));
    const subs = await openSubscribers(gateways, n);
    const after = await Promise.all(gateways.map((g) => g.child.stats(true)));
    const rssPer = after.reduce((a, s, i) => a + s.mem.rss - (before[i]?.mem.rss ?? 0), 0) / n;
    const heapPer =
      after.reduce((a, s, i) => a + s.mem.heapUsed - (before[i]?.mem.heapUsed ?? 0), 0) / n;
    const runs: CaseRun[] = [];
    try {
      for (let i = 0; i < o.runs; i++) runs.push(await measureRun(sandbox, subs, spaced, burst));
    } finally {
      for (const s of subs) await s.client.dispose();
    }
    raw[`${label} ${n}`] = { runs, rssPerSubscriberBytes: rssPer, heapPerSubscriberBytes: heapPer };
    const p99 = medianOf(runs, (r) => r.p99);
    rows.push({
      setup: label,
      subscribers: n,
      'p50 ms': medianOf(runs, (r) => r.p50),
      'p99 ms': p99,
      'max ms': medianOf(runs, (r) => r.max),
      'burst events/s': medianOf(runs, (r) => r.burstEventsPerS),
      'burst deliveries/s': medianOf(runs, (r) => r.burstDeliveriesPerS),
      'burst p99 ms': medianOf(runs, (r) => r.burstP99),
      'KiB RSS / idle sub': n >= 100 ? rssPer / 1024 : undefined,
      'KiB heap / idle sub': n >= 100 ? heapPer / 1024 : undefined,
      [`target: p99 < ${target} ms at 1,000`]: n === 1000 ? verdict(p99 < target) : undefined,
    });
    o.log(`fanout ${label} ${n}: p50 ${medianOf(runs, (r) => r.p50)} ms, p99 ${p99} ms`);
    await sleep(200);
  };
  try {
    const one = await startGateway(sandbox, {});
    children.push(one.child);
    const rule = sandbox.control.addWebhookRule({ targetUrl: one.webhookUrl });
    for (const n of single) await runCase('one instance', [one], n, 50);
    sandbox.control.removeWebhookRule(rule.id);
    await one.child.stop();

    redis = await startRedis();
    const shared = {
      REDIS_URL: redis.url,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      REDIS_KEY_PREFIX: 'bench:',
    };
    const a = await startGateway(sandbox, shared);
    const b = await startGateway(sandbox, shared);
    children.push(a.child, b.child);
    sandbox.control.addWebhookRule({ targetUrl: a.webhookUrl });
    for (const n of double) await runCase('two instances + redis', [a, b], n, 100);
  } finally {
    for (const c of children) await c.stop();
    await redis?.stop();
    await sandbox.close();
  }
  const cols = [
    'setup',
    'subscribers',
    'p50 ms',
    'p99 ms',
    'max ms',
    'burst events/s',
    'burst deliveries/s',
    'burst p99 ms',
    'KiB RSS / idle sub',
    'KiB heap / idle sub',
    'target: p99 < 50 ms at 1,000',
    'target: p99 < 100 ms at 1,000',
  ];
  return {
    raw,
    tables: [
      {
        title: 'Subscription fan-out (webhook → graphql-ws)',
        note:
          `Latency = subscriber receive time − the event's receivedAt (gateway accepted the signed webhook); ${spaced} spaced events per run (each waits for every delivery), ` +
          `then a burst of ${burst} webhooks (events/s = ${burst} ÷ time to the last delivery). Gateways in child processes; every subscriber is its own graphql-ws client and WebSocket in the parent process, so client-side parsing of 1,000 sockets adds to the tail. ` +
          `Two instances: subscribers split evenly, webhooks posted to the first, events via Redis. Idle memory = gateway process RSS/heap after GC with N subscriptions minus before, ÷ N. Medians of ${o.runs} run(s).`,
        columns: cols,
        rows,
      },
    ],
  };
}
