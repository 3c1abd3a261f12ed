/**
 * The fill: one oldest-first walk of `/v2/calls/extensive` over the model's window with the
 * index's selector (100 calls a request), each page followed by one `/v2/calls/transcript` for
 * its calls (100 ids a request): calls/100 + transcripts/100 requests, the lower bound. It runs at
 * background priority, so interactive work goes first, and as fast as the rate limit allows until
 * today's share of the budget is spent; then it waits for the next UTC day. It stores where it is
 * after every page, so a restart goes on from there (re-reading only the calls that started at
 * that instant); a finished fill, restarted, reads what started since it finished (with
 * SYNC_CALLS_OVERLAP_MINUTES before that: Gong shows a call only once it is processed).
 * Records reach the model through the call observer like every other read; the fill waits for
 * them to be written before it records its position. Not public API.
 */
import type { GongClient } from '../gong/types.js';
import type { CallData } from '../gong/wire.js';
import type { Logger } from '../observability/logger.js';
import type { FillState } from './fill-state.js';
import { DAY_MS } from './fill-state.js';
import type { Ingest } from './ingest.js';
import type { ReadModelMetrics } from './metrics.js';
import { INDEX_SELECTOR } from './rows.js';
import type { Writes } from './writes.js';

/** Waits `ms`, or less when woken or aborted (injected so tests drive time). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface BackgroundDeps {
  client(ref: string): GongClient;
  writes: Writes;
  ingest: Ingest;
  state: FillState;
  logger: Logger;
  metrics: ReadModelMetrics;
  /** READ_MODEL_DAYS in ms. */
  windowMs: number;
  /** How far a catch-up reads before where the last fill ended. */
  overlapMs: number;
  /** Requests the read model may spend per connection per UTC day. */
  dailyCap: number;
  /** This instance, for the fill lease (instances sharing a Postgres server fill a connection once). */
  owner: string;
  now(): number;
  sleep: Sleep;
  /**
   * Refreshes the planner's statistics, makes dead rows reusable and checkpoints the WAL. PGlite
   * runs no autovacuum and no checkpointer: without it the planner guesses row counts (slow
   * plans once the model is large) and the directory grows with every write.
   */
  maintain(): Promise<void>;
}

/** Maintenance runs every this many pages while a fill runs, and when it ends. */
const MAINTAIN_EVERY = 20;

const LEASE_MS = 120_000;
const MAX_BACKOFF_MS = 300_000;

export const untilNextDay = (now: number) => (Math.floor(now / DAY_MS) + 1) * DAY_MS - now;

/** Waits until `spend` succeeds (today's share left), sleeping to the next UTC day meanwhile. */
export async function spendOrWait(
  deps: BackgroundDeps,
  conn: number,
  signal: AbortSignal,
): Promise<boolean> {
  while (!signal.aborted) {
    if (await deps.state.spend(conn, 1, deps.dailyCap, deps.now())) return true;
    deps.logger.info('read model: today’s budget share is spent; waiting for the next UTC day');
    await deps.sleep(untilNextDay(deps.now()), signal);
  }
  return false;
}

const startedMs = (c: CallData) => Date.parse(c.metaData.started ?? '');

/** Fills one connection until its window is read (or `signal` aborts). */
export async function runFill(
  deps: BackgroundDeps,
  ref: string,
  signal: AbortSignal,
): Promise<void> {
  const conn = await deps.writes.connId(ref);
  try {
    await fillConnection(deps, ref, conn, signal);
  } finally {
    // Another instance (or this one after a restart) may take over at once.
    await deps.state
      .release(conn, deps.owner)
      .catch((err: unknown) =>
        deps.logger.warn({ err }, 'read model: could not release the fill lease'),
      );
  }
}

async function fillConnection(
  deps: BackgroundDeps,
  ref: string,
  conn: number,
  signal: AbortSignal,
): Promise<void> {
  const { state, writes, ingest, logger } = deps;
  const now = deps.now();
  const windowStart = now - deps.windowMs;
  let fill = await state.ensure(conn, windowStart, now);
  if (fill.doneAt)
    fill = await state.restart(
      conn,
      Math.max(windowStart, fill.targetTo.getTime() - deps.overlapMs),
      now,
    );
  await writes.prune(conn, windowStart);
  const client = deps.client(ref);
  const to = fill.targetTo.toISOString();
  // One walk: its fromDateTime stays fixed while its cursor is used (Gong refuses a cursor when
  // the filter changes); after a failure a new walk starts where the last stored page ended.
  let walk: { from: string; cursor?: string } | undefined;
  let position = fill.position.getTime();
  let read = fill.callsRead;
  let backoff = 1_000;
  let pages = 0;

  // Calls stored before a stop whose transcripts were not asked yet (the stop came in between).
  for (;;) {
    const ids = await writes.transcriptsNeverAsked(conn, position, 100);
    if (ids.length === 0 || signal.aborted) break;
    const got = await askTranscripts(deps, ref, conn, ids, signal);
    if (got === undefined) return;
    await state.advance(conn, { position, calls: 0, transcripts: got });
  }

  while (!signal.aborted) {
    if (!(await state.lease(conn, deps.owner, LEASE_MS))) {
      logger.debug('read model: another instance fills this connection; waiting');
      await deps.sleep(LEASE_MS / 2, signal);
      continue;
    }
    if (!(await spendOrWait(deps, conn, signal))) return;
    const newWalk = walk === undefined;
    walk ??= { from: new Date(position).toISOString() };
    let items: CallData[];
    let next: string | undefined;
    let total: number;
    try {
      const page = await client.callsExtensive(
        {
          filter: { fromDateTime: walk.from, toDateTime: to },
          ...(walk.cursor ? { cursor: walk.cursor } : {}),
          contentSelector: INDEX_SELECTOR,
        },
        'background',
      );
      deps.metrics.requests.inc({ purpose: 'fill_calls' });
      items = page.items;
      next = page.records.cursor ?? undefined;
      total = page.records.totalRecords;
    } catch (err) {
      logger.warn({ err }, 'read model: a fill page failed; the walk starts again');
      walk = undefined;
      await deps.sleep(backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      continue;
    }
    logger.debug({ calls: items.length, next: next !== undefined }, 'read model: fill page read');
    await ingest.flush(ref);
    const transcripts = await fillTranscripts(deps, ref, conn, items, signal);
    if (transcripts === undefined) return;
    backoff = 1_000;
    position = Math.max(position, ...items.map(startedMs).filter((t) => !Number.isNaN(t)));
    await state.advance(conn, {
      position,
      calls: items.length,
      transcripts,
      ...(newWalk ? { expected: read + total } : {}),
    });
    read += items.length;
    if (++pages % MAINTAIN_EVERY === 0) await deps.maintain();
    if (!next) {
      await state.finish(conn, deps.now());
      await deps.maintain();
      logger.info({ calls: read }, 'read model: fill done');
      return;
    }
    walk.cursor = next;
  }
}

/**
 * One transcripts request for the page's calls the model has no transcript of; retried until it
 * succeeds, so no call is passed without its transcript asked for. Undefined when aborted.
 */
async function fillTranscripts(
  deps: BackgroundDeps,
  ref: string,
  conn: number,
  items: CallData[],
  signal: AbortSignal,
): Promise<number | undefined> {
  const lacking = await deps.writes.lackingTranscripts(
    conn,
    items.map((c) => c.metaData.id),
  );
  return lacking.length === 0 ? 0 : askTranscripts(deps, ref, conn, lacking, signal);
}

async function askTranscripts(
  deps: BackgroundDeps,
  ref: string,
  conn: number,
  ids: string[],
  signal: AbortSignal,
): Promise<number | undefined> {
  let backoff = 1_000;
  while (!signal.aborted) {
    if (!(await spendOrWait(deps, conn, signal))) return undefined;
    try {
      return await readTranscripts(deps, ref, conn, ids, 'fill_transcripts');
    } catch (err) {
      deps.logger.warn({ err }, 'read model: a fill transcripts request failed; retrying');
      await deps.sleep(backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
  return undefined;
}

/**
 * One `/v2/calls/transcript` request for `ids` (at most 100): what Gong answers is written through
 * the call observer; calls it has no transcript for are marked so. Returns the transcripts read.
 */
export async function readTranscripts(
  deps: BackgroundDeps,
  ref: string,
  conn: number,
  ids: readonly string[],
  purpose: 'fill_transcripts' | 'refresh_transcripts',
): Promise<number> {
  const got = await deps.client(ref).transcriptsByIds(ids, 'background');
  deps.metrics.requests.inc({ purpose });
  await deps.ingest.flush(ref);
  const have = new Set(got.map((t) => t.callId));
  await deps.writes.markTranscriptsMissing(
    conn,
    ids.filter((id) => !have.has(id)),
  );
  return got.length;
}
