/**
 * Scenario: "call page views", the frontend workload. A view is one call with its parties, their
 * users, the primary user and the transcript (`VIEW_QUERY` in ./views/workload.ts). Call ids are
 * drawn Zipf-like (s = 1) over the calls of the last 30 days, from a seeded PRNG whose seed is
 * printed. Every row runs on its own lane (./views/rows.ts): a sandbox with the same seed and
 * tenant, the real 3 req/s limit, a cold peer; the lanes' ids and draws are checked identical.
 * Rows run at once (BENCH_SERIAL=1: one after another). Measured: upstream requests per view (by
 * endpoint), views a day on 10,000 requests, the entity cache's targets; and bytes per cached call.
 */
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { verdict, type Row } from './lib/stats.js';
import { cachedCallBytes } from './views/cache-bytes.js';
import {
  ENDPOINTS,
  openLane,
  RATE,
  ROWS,
  runRow,
  type Lane,
  type RowResult,
  type RowSpec,
} from './views/rows.js';
import { lowerBound } from './views/workload.js';

const DAY = 86_400_000;
const DAILY = 10_000;

function pickRows(): RowSpec[] {
  const wanted = process.env.BENCH_VIEWS_ROWS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!wanted?.length) return [...ROWS];
  const unknown = wanted.filter((k) => !ROWS.some((r) => r.key === k));
  if (unknown.length)
    throw new Error(
      `BENCH_VIEWS_ROWS: unknown row ${unknown.join(', ')}; expected some of ${ROWS.map((r) => r.key).join(', ')}`,
    );
  return ROWS.filter((r) => wanted.includes(r.key));
}

/** Every lane must list the same calls and draw the same ids, or the rows are not comparable. */
function checkSameDraw(lanes: readonly Lane[]): void {
  const [first, ...rest] = lanes;
  if (!first) return;
  for (const [i, l] of rest.entries()) {
    if (l.ids.join() !== first.ids.join())
      throw new Error(
        `views: lane ${i + 1} lists ${l.ids.length} calls, lane 0 ${first.ids.length}: the sandboxes differ`,
      );
    if (l.draw.join() !== first.draw.join())
      throw new Error(`views: lane ${i + 1} drew other ids than lane 0`);
  }
}

function targetCell(r: RowResult, views: number): string | undefined {
  if (r.spec.kind === 'webhook')
    return `0 calls/extensive during the views: ${verdict(r.callsExtensiveDuringViews === 0)} (${r.callsExtensiveDuringViews ?? '?'})`;
  if (r.spec.target === undefined) return undefined;
  return `≤ ${r.spec.target.toFixed(2)} per view: ${verdict(r.requests / views <= r.spec.target)}`;
}

export async function callPageViews(o: BenchOptions): Promise<ScenarioResult> {
  const views = Number(process.env.BENCH_VIEWS ?? (o.quick ? 40 : 1_000));
  const seed = Number(process.env.BENCH_SEED ?? 20_260_101);
  const serial = process.env.BENCH_SERIAL === '1';
  const tenant = o.quick ? { users: 20, calls: 400 } : { users: 50, calls: 2_000 };
  const sandboxOptions = { seed: 42, ...tenant, days: 90 };
  const specs = pickRows();
  const started = Date.now();
  // One window for every lane: sandboxes started a few ms apart must list the same calls.
  const window = {
    from: new Date(started - 30 * DAY).toISOString(),
    to: new Date(started).toISOString(),
  };
  const raw: Record<string, unknown> = {
    seed,
    views,
    tenant,
    serial,
    rows: specs.map((s) => s.key),
  };

  // Bytes first, alone: it is in-process CPU work that must not slow the timed lanes.
  const bytesN = o.quick ? 20 : 50;
  const bytes = await cachedCallBytes(sandboxOptions, bytesN, o.log);
  raw.cacheBytes = bytes.raw;

  const opened = await Promise.allSettled(
    specs.map(() => openLane(sandboxOptions, window, views, seed)),
  );
  const lanes = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(lanes.map((l) => l.sb.close()));
    throw failed.reason;
  }
  let results: RowResult[] = [];
  try {
    checkSameDraw(lanes);
    const first = lanes[0];
    const distinct = first ? new Set(first.draw).size : 0;
    o.log(
      `views: seed ${seed}, ${views} views over ${first?.ids.length ?? 0} calls of the last 30 days (${distinct} distinct); ${specs.length} rows on ${specs.length} sandboxes with identical draws, ${serial ? 'one after another' : 'all at once'}`,
    );
    Object.assign(raw, { calls: first?.ids.length, distinctCalls: distinct });
    const run = (spec: RowSpec, i: number) => runRow(spec, lanes[i] as Lane, o.log);
    if (serial) for (const [i, spec] of specs.entries()) results.push(await run(spec, i));
    else results = await Promise.all(specs.map(run));
  } finally {
    await Promise.all(lanes.map((l) => l.sb.close()));
  }
  const wallS = (Date.now() - started) / 1000;

  const rows: Row[] = [];
  const base = results.find((r) => r.spec.key === 'cache-off-1');
  for (const r of results) {
    const perView = r.requests / views;
    const other =
      r.requests - Object.values(ENDPOINTS).reduce((s, k) => s + (r.byEndpoint[k] ?? 0), 0);
    rows.push({
      peer: r.spec.peer,
      'views at once': r.spec.concurrency,
      views,
      'upstream requests': r.requests,
      'of which before the views': r.beforeViews,
      'per view': perView,
      'views/day on 10,000': Math.floor(DAILY / perView),
      'vs cache off x1': base ? r.requests / base.requests : undefined,
      'calls/extensive': r.byEndpoint[ENDPOINTS.callsExtensive] ?? 0,
      'calls/transcript': r.byEndpoint[ENDPOINTS.transcript] ?? 0,
      'users/extensive': r.byEndpoint[ENDPOINTS.usersExtensive] ?? 0,
      other,
      '429s': r.refused,
      'failed views': r.views.filter((v) => v.failed).length,
      'wall s (3/s)': r.wallS,
      target: targetCell(r, views),
    });
    raw[r.spec.key] = {
      requests: r.requests,
      byEndpoint: r.byEndpoint,
      beforeViews: r.beforeViews,
      announced: r.announced,
      callsExtensiveDuringViews: r.callsExtensiveDuringViews,
      refused: r.refused,
      wallS: r.wallS,
    };
  }
  const complete = results.find((r) => r.views.every((v) => !v.failed && v.gongCall));
  if (complete) {
    const lb = lowerBound(complete.views);
    rows.push({
      peer: 'lower bound (each distinct call, transcript, user once)',
      'views at once': '–',
      views,
      'upstream requests': lb,
      'per view': lb / views,
      'views/day on 10,000': Math.floor(DAILY / (lb / views)),
      'vs cache off x1': base ? lb / base.requests : undefined,
    });
  }
  return {
    raw,
    tables: [
      {
        title: 'Call page views (frontend workload)',
        note:
          `${views} views, Zipf (s = 1) over the ${String(raw.calls)} calls of the last 30 days, seed ${seed} (BENCH_SEED), ${String(raw.distinctCalls)} distinct calls; tenant ${tenant.users} users, ${tenant.calls} calls over 90 days (sandbox seed 42). ` +
          `Each row ran on its own sandbox (same seed and tenant; the ids and the draw were checked identical across sandboxes) with its own real ${RATE} req/s limit, the gateway at ${RATE}/s too, on a cold peer; ` +
          `${serial ? 'rows ran one after another (BENCH_SERIAL=1)' : `the ${results.length} rows ran concurrently in one process (BENCH_SERIAL=1 runs them one after another)`}; ${wallS.toFixed(0)} s in all. ` +
          `Views a day = 10,000 / requests per view, 429s included (Gong does not document whether a refused request counts against the day). A failed view is one Gong refused a part of (after the peer's retries). ` +
          `Webhook row: the draw's distinct calls were announced first by the sandbox's default (thin) rule, which carries metaData, parties, content topics/trackers (without occurrences)/scorecardsAnswers, interaction stats and empty context/collaboration; the view selects metaData and parties of the call (its transcript and users are not in a webhook). ` +
          `Its count starts before the announcements: "before the views" are the transcript poller's requests (first check 1 s after call.created instead of 60 s, standing in for a call announced long before its views).`,
        columns: [
          'peer',
          'views at once',
          'views',
          'upstream requests',
          'of which before the views',
          'per view',
          'views/day on 10,000',
          'vs cache off x1',
          'calls/extensive',
          'calls/transcript',
          'users/extensive',
          'other',
          '429s',
          'failed views',
          'wall s (3/s)',
          'target',
        ],
        rows,
      },
      {
        title: 'Bytes per cached call (entity cache, in memory)',
        note: `${bytesN} calls read by id with every section of GongCall (selection built from the schema: parties, context with objects and fields, content, interaction, collaboration, mediaUrls; users and workspaces left out), then their transcripts; gong_gateway_entity_cache_bytes (JSON size of the entries) after each step ÷ items. Sandbox tenant as above, rate limit off. "second read" = upstream requests when reading all of it again (0: everything was held).`,
        columns: [
          'cached',
          'items',
          'entity cache bytes',
          'bytes per item',
          'KiB per item',
          'second read: upstream requests',
        ],
        rows: bytes.rows,
      },
    ],
  };
}
