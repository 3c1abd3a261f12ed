/**
 * The rows of the call-page-views table. Each row runs on its own lane: a sandbox started with the
 * same seed and tenant as every other lane (so the same calls and the same draw), its own 3 req/s
 * limit and request log, and a fresh (cold) peer. Lanes share nothing, so rows can run at once.
 */
import type { Gateway } from '../../src/app.js';
import { ALL_CALLS } from '../../src/events/transcript-interest.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/types.js';
import { freePort } from '../../test/support/ports.js';
import { expectData, gql, sleep, startGatewayOn } from '../lib/stack.js';
import { meshPeer } from '../peers/mesh.js';
import { callIdsIn, runViews, VIEW_QUERY, zipfDraw, type View } from './workload.js';

export const RATE = 3;
const CALLS_EXTENSIVE = 'POST /v2/calls/extensive';
const TRANSCRIPT = 'POST /v2/calls/transcript';
const USERS_EXTENSIVE = 'POST /v2/users/extensive';

export type RowKind = 'cache-off' | 'cache-on' | 'webhook' | 'mesh';

export interface RowSpec {
  /** BENCH_VIEWS_ROWS picks rows by this key, e.g. `cache-on-20`. */
  key: string;
  kind: RowKind;
  peer: string;
  concurrency: number;
  /** Upper bound on requests per view (the targets). */
  target?: number;
}

export const ROWS: readonly RowSpec[] = [
  {
    key: 'cache-off-1',
    kind: 'cache-off',
    peer: 'gong-gateway, entity cache off (CACHE_MAX_BYTES=0)',
    concurrency: 1,
  },
  {
    key: 'cache-off-20',
    kind: 'cache-off',
    peer: 'gong-gateway, entity cache off (CACHE_MAX_BYTES=0)',
    concurrency: 20,
  },
  {
    key: 'cache-on-1',
    kind: 'cache-on',
    peer: 'gong-gateway, entity cache on (defaults)',
    concurrency: 1,
    target: 0.7,
  },
  {
    key: 'cache-on-20',
    kind: 'cache-on',
    peer: 'gong-gateway, entity cache on (defaults)',
    concurrency: 20,
    target: 0.25,
  },
  {
    key: 'webhook-1',
    kind: 'webhook',
    peer: 'gong-gateway, entity cache on, calls announced by webhook first',
    concurrency: 1,
  },
  {
    key: 'mesh-1',
    kind: 'mesh',
    peer: 'GraphQL Mesh + Hive Gateway (responseCaching)',
    concurrency: 1,
  },
  {
    key: 'mesh-20',
    kind: 'mesh',
    peer: 'GraphQL Mesh + Hive Gateway (responseCaching)',
    concurrency: 20,
  },
];

export interface Lane {
  sb: Sandbox;
  ids: string[];
  draw: string[];
}

/** A sandbox for one row, with the call ids of `window` and the seeded draw over them. */
export async function openLane(
  options: SandboxOptions,
  window: { from: string; to: string },
  views: number,
  seed: number,
): Promise<Lane> {
  const sb = await startSandbox({ ...options, rateLimit: { perSecond: RATE, perDay: 1_000_000 } });
  const ids = await callIdsIn(sb, window);
  return { sb, ids, draw: zipfDraw(ids, views, seed) };
}

export interface RowResult {
  spec: RowSpec;
  views: View[];
  /** Every `/v2/` request after the row's reset (the webhook row's warm-up included). */
  requests: number;
  byEndpoint: Record<string, number>;
  /** Webhook row: requests between the announcements and the first view (the transcript poller's). */
  beforeViews?: number;
  /** Webhook row: calls-extensive requests while the views ran. */
  callsExtensiveDuringViews?: number;
  /** Announcements the gateway answered 2xx. */
  announced?: number;
  /** 429s Gong's simulator answered during the row. */
  refused: number;
  wallS: number;
}

interface Peer {
  view: (id: string) => Promise<View>;
  close(): Promise<void>;
}

const gatewayEnv = {
  GONG_RATE_PER_SECOND: String(RATE),
  GONG_DAILY_BUDGET: '1000000',
  GONG_QUEUE_TIMEOUT_MS: '600000',
};

async function startGateway(
  sb: Sandbox,
  env: Record<string, string>,
  ready?: (gw: Gateway) => Promise<unknown>,
): Promise<Peer> {
  const gw = await startGatewayOn(sb, { ...gatewayEnv, ...env });
  await ready?.(gw);
  return {
    view: async (id) =>
      expectData(await gql<View>(gw.url, VIEW_QUERY, { id }), `gateway view ${id}`),
    close: () => gw.close(),
  };
}

const v2 = (counters: Record<string, number>) =>
  Object.fromEntries(Object.entries(counters).filter(([k]) => k.includes(' /v2/')));
const total = (counters: Record<string, number>) =>
  Object.values(v2(counters)).reduce((n, c) => n + c, 0);

/**
 * Announces the draw's distinct calls through the sandbox's webhook rule (thin payload, as the real
 * capture: metaData and parties, which is what the view selects of the call), waits until the
 * gateway accepted each, then until its transcript poller has asked Gong for every announced call
 * (as it would have long before a view in production). Returns how many were accepted.
 */
async function announce(
  sb: Sandbox,
  draw: readonly string[],
  log: (line: string) => void,
): Promise<number> {
  const distinct = [...new Set(draw)];
  const deliveries = await sb.control.deliverCallWebhooks(distinct);
  const accepted = deliveries.filter(
    (d) => typeof d.status === 'number' && d.status >= 200 && d.status < 300,
  ).length;
  if (accepted !== distinct.length)
    throw new Error(
      `webhook row: the gateway accepted ${accepted} of ${distinct.length} announcements (statuses ${JSON.stringify(deliveries.map((d) => d.status))})`,
    );
  const asked = () => {
    const seen = new Set<string>();
    for (const e of sb.control.requestLog()) {
      if (e.endpoint !== TRANSCRIPT || e.status !== 200) continue;
      for (const id of (e.body as { filter?: { callIds?: string[] } } | undefined)?.filter
        ?.callIds ?? [])
        seen.add(id);
    }
    return distinct.every((id) => seen.has(id));
  };
  const end = Date.now() + 120_000;
  while (!asked() && Date.now() < end) await sleep(100);
  if (!asked())
    log(
      'views: webhook row: the transcript poller had not asked for every announced call within 120 s; views start anyway',
    );
  // The poller's answers are stored right after they arrive.
  await sleep(500);
  return accepted;
}

/**
 * Counts the sandbox's 429s exactly although its log keeps only the newest 10,000 entries: every
 * 200 ms, the entries added since the last look (the counters say how many) are the log's last ones.
 */
function countRefusals(sb: Sandbox): { stop(): number } {
  let seen = 0;
  let refused = 0;
  const look = () => {
    const entries = sb.control.requestLog();
    const now = Object.values(sb.control.counters()).reduce((n, c) => n + c, 0);
    const added = Math.min(now - seen, entries.length);
    for (const e of entries.slice(entries.length - added))
      if (e.path.startsWith('/v2/') && e.status === 429) refused++;
    seen = now;
  };
  const timer = setInterval(look, 200);
  return {
    stop() {
      clearInterval(timer);
      look();
      return refused;
    },
  };
}

export async function runRow(
  spec: RowSpec,
  lane: Lane,
  log: (line: string) => void,
): Promise<RowResult> {
  const { sb, draw } = lane;
  let peer: Peer;
  if (spec.kind === 'cache-off') peer = await startGateway(sb, { CACHE_MAX_BYTES: '0' });
  else if (spec.kind === 'cache-on') peer = await startGateway(sb, {});
  else if (spec.kind === 'webhook') {
    // Gong signs the URL it calls, so the gateway must know its public URL before it listens.
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    peer = await startGateway(
      sb,
      {
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        GONG_WEBHOOK_PUBLIC_KEY: sb.control.webhookPublicKey(),
        TRANSCRIPT_POLL_INITIAL_SECONDS: '1',
      },
      // Someone waits for the transcripts (a subscriber, the read model): the poller asks only then.
      (gw) => gw.transcriptInterest.want('default', ALL_CALLS, 'read-model', { ttlMs: Infinity }),
    );
    sb.control.addWebhookRule({ targetUrl: `${publicUrl}/webhooks/gong/default` });
  } else {
    const mesh = await meshPeer(sb, log);
    if (!mesh.available) throw new Error(`Mesh peer unavailable: ${mesh.reason}`);
    peer = await mesh.start();
  }
  let refusals: { stop(): number } | undefined;
  try {
    // A full bucket on both sides, then count only what the views (and the webhook row's warm-up) cost.
    sb.control.resetRateLimit();
    await sleep(1_100);
    sb.control.resetLog();
    refusals = countRefusals(sb);
    const t = performance.now();
    let beforeViews: number | undefined;
    let announced: number | undefined;
    let callsBefore = 0;
    if (spec.kind === 'webhook') {
      announced = await announce(sb, draw, log);
      beforeViews = total(sb.control.counters());
      callsBefore = sb.control.counters()[CALLS_EXTENSIVE] ?? 0;
    }
    const views = await runViews(draw, spec.concurrency, peer.view);
    const wallS = (performance.now() - t) / 1000;
    const counters = sb.control.counters();
    const refused = refusals.stop();
    const r: RowResult = {
      spec,
      views,
      requests: total(counters),
      byEndpoint: v2(counters),
      refused,
      wallS,
    };
    if (spec.kind === 'webhook')
      Object.assign(r, {
        beforeViews,
        announced,
        callsExtensiveDuringViews: (counters[CALLS_EXTENSIVE] ?? 0) - callsBefore,
      });
    log(
      `views: ${spec.key}: ${r.requests} requests (${(r.requests / draw.length).toFixed(2)} per view, ${refused} 429s) in ${wallS.toFixed(0)} s; ${JSON.stringify(r.byEndpoint)}`,
    );
    return r;
  } finally {
    refusals?.stop();
    await peer.close();
  }
}

export const ENDPOINTS = {
  callsExtensive: CALLS_EXTENSIVE,
  transcript: TRANSCRIPT,
  usersExtensive: USERS_EXTENSIVE,
} as const;
