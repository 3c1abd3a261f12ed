/**
 * Scenario: "call page views", the frontend workload. A view is one call with its parties, their
 * users, the primary user and the transcript. Call ids are drawn Zipf-like (s = 1) over the calls
 * of the last 30 days, from a seeded PRNG whose seed is printed. Views run one at a time and 20 at
 * a time, under the sandbox's real 3 req/s limit and the gateway's own 3/s scheduler, each mode on
 * a fresh (cold) gateway. Measured: upstream requests per view, and views a day on 10,000 requests.
 * Peers (bench/peers/) run the same views when they are installed.
 */
import { startSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/types.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { expectData, gql, sleep, startGatewayOn, upstreamCount } from './lib/stack.js';
import type { Row } from './lib/stats.js';
import { meshPeer } from './peers/mesh.js';

const RATE = 3;
const DAY = 86_400_000;
const DAILY = 10_000;

export const VIEW_QUERY = `query View($id: ID!) {
  gongCall(id: $id, includePrivate: true) {
    id title started duration
    primaryUser { id emailAddress firstName lastName }
    parties { id name emailAddress user { id emailAddress firstName lastName } }
    transcript { monologues { speakerId topic sentences { start end text } } }
  }
}`;

interface View {
  failed?: boolean;
  gongCall: {
    id: string;
    primaryUser: { id: string } | null;
    parties: { user: { id: string } | null }[] | null;
    transcript: { monologues: unknown[] } | null;
  } | null;
}

/** mulberry32: a small seeded PRNG, so a draw can be repeated from its printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` draws over `ids` with P(rank k) ∝ 1/k; ranks are a seeded shuffle of the ids. */
export function zipfDraw(ids: readonly string[], n: number, seed: number): string[] {
  const rand = prng(seed);
  const ranked = [...ids];
  for (let i = ranked.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ranked[i], ranked[j]] = [ranked[j] as string, ranked[i] as string];
  }
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= ranked.length; k++) cumulative.push((sum += 1 / k));
  return Array.from({ length: n }, () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return ranked[lo] as string;
  });
}

/** Ids of the calls that started in the last 30 days, read straight from the sandbox (not counted). */
async function recentCallIds(sb: Sandbox): Promise<string[]> {
  const auth = `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`;
  const ids: string[] = [];
  let cursor: string | undefined;
  const filter = { fromDateTime: new Date(Date.now() - 30 * DAY).toISOString(), toDateTime: new Date().toISOString() };
  do {
    const res = await fetch(`${sb.url}/v2/calls/extensive`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ filter, ...(cursor ? { cursor } : {}) }) });
    if (res.status === 429) {
      await sleep(1_000);
      continue;
    }
    const body = (await res.json()) as { calls: { metaData: { id: string } }[]; records: { cursor?: string } };
    ids.push(...body.calls.map((c) => c.metaData.id));
    cursor = body.records.cursor;
  } while (cursor);
  return ids;
}

/** Runs `views` through `view`, `concurrency` at a time, in draw order. */
async function runViews(draw: readonly string[], concurrency: number, view: (id: string) => Promise<View>): Promise<View[]> {
  const out: View[] = new Array(draw.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < draw.length) {
        const i = next++;
        out[i] = await view(draw[i] as string);
      }
    }),
  );
  return out;
}

/** Each distinct call, transcript and user fetched once (a view needs at least its call). */
function lowerBound(views: readonly View[]): number {
  const calls = new Set<string>();
  const transcripts = new Set<string>();
  const users = new Set<string>();
  for (const v of views) {
    const c = v.gongCall;
    if (!c) continue;
    calls.add(c.id);
    if (c.transcript) transcripts.add(c.id);
    if (c.primaryUser) users.add(c.primaryUser.id);
    for (const p of c.parties ?? []) if (p.user) users.add(p.user.id);
  }
  return calls.size + transcripts.size + users.size;
}

export async function callPageViews(o: BenchOptions): Promise<ScenarioResult> {
  const views = Number(process.env.BENCH_VIEWS ?? (o.quick ? 40 : 1_000));
  const seed = Number(process.env.BENCH_SEED ?? 20_260_101);
  const tenant = o.quick ? { users: 20, calls: 400 } : { users: 50, calls: 2_000 };
  const sb = await startSandbox({ seed: 42, ...tenant, days: 90, rateLimit: { perSecond: RATE, perDay: 1_000_000 } });
  const rows: Row[] = [];
  const raw: Record<string, unknown> = { seed, views, tenant };
  try {
    const ids = await recentCallIds(sb);
    const draw = zipfDraw(ids, views, seed);
    const distinct = new Set(draw).size;
    o.log(`views: seed ${seed}, ${views} views over ${ids.length} calls of the last 30 days (${distinct} distinct)`);
    raw.distinctCalls = distinct;
    let bound: number | undefined;

    const measure = async (name: string, concurrency: number, start: () => Promise<{ view(id: string): Promise<View>; close(): Promise<void> }>) => {
      const peer = await start();
      try {
        // A full bucket on both sides, then count only the views' requests.
        sb.control.resetRateLimit();
        await sleep(1_100);
        sb.control.resetLog();
        const t = performance.now();
        const done = await runViews(draw, concurrency, peer.view);
        const wallS = (performance.now() - t) / 1000;
        const requests = upstreamCount(sb);
        const refused = sb.control.requestLog().filter((e) => e.path.startsWith('/v2/') && e.status === 429).length;
        const failed = done.filter((v) => v.failed).length;
        bound ??= lowerBound(done);
        const perView = requests / views;
        rows.push({ peer: name, 'views at once': concurrency, views, 'upstream requests': requests, 'per view': perView, 'views/day on 10,000': Math.floor(DAILY / perView), '429s': refused, 'failed views': failed, 'wall s (3/s)': wallS });
        raw[`${name} x${concurrency}`] = { requests, wallS, byEndpoint: sb.control.counters() };
        o.log(`views: ${name} x${concurrency}: ${requests} requests (${perView.toFixed(2)} per view, ${refused} 429s, ${failed} failed views) in ${wallS.toFixed(0)} s`);
      } finally {
        await peer.close();
      }
    };

    const gateway = async () => {
      const gw = await startGatewayOn(sb, { GONG_RATE_PER_SECOND: String(RATE), GONG_DAILY_BUDGET: '1000000', GONG_QUEUE_TIMEOUT_MS: '600000' });
      return {
        view: async (id: string) => expectData(await gql<View>(gw.url, VIEW_QUERY, { id }), `gateway view ${id}`),
        close: () => gw.close(),
      };
    };
    for (const c of [1, 20]) await measure('gong-gateway (no entity cache)', c, gateway);

    const mesh = await meshPeer(sb, o.log);
    if (mesh.available) for (const c of [1, 20]) await measure('GraphQL Mesh + Hive Gateway (responseCaching)', c, () => mesh.start());
    else o.log(`views: Mesh peer skipped: ${mesh.reason}`);
    raw.mesh = mesh.available ? 'ran' : mesh.reason;

    const lb = bound ?? 0;
    rows.push({ peer: 'lower bound (each distinct call, transcript, user once)', 'views at once': '–', views, 'upstream requests': lb, 'per view': lb / views, 'views/day on 10,000': Math.floor(DAILY / (lb / views)) });
  } finally {
    await sb.close();
  }
  const base = rows.find((r) => r.peer === 'gong-gateway (no entity cache)' && r['views at once'] === 1);
  for (const r of rows) r['vs gateway x1 (requests)'] = base ? Number(r['upstream requests']) / Number(base['upstream requests']) : undefined;
  return {
    raw,
    tables: [
      {
        title: 'Call page views (frontend workload)',
        note:
          `${raw.views as number} views, Zipf (s = 1) over the calls of the last 30 days, seed ${seed} (BENCH_SEED), ${raw.distinctCalls as number} distinct calls; tenant ${tenant.users} users, ${tenant.calls} calls over 90 days (sandbox seed 42). ` +
          `Real ${RATE} req/s limit in the sandbox and in the gateway; each row starts cold (a fresh gateway). Views a day = 10,000 / requests per view, 429s included (Gong does not document whether a refused request counts against the day). A failed view is one Gong refused a part of (after the peer's retries). Entity-cache rows come with the shared entity cache.`,
        columns: ['peer', 'views at once', 'views', 'upstream requests', 'per view', 'views/day on 10,000', 'vs gateway x1 (requests)', '429s', 'failed views', 'wall s (3/s)'],
        rows,
      },
    ],
  };
}
