/**
 * The search read model (docs/search.md): a local Postgres copy of each connection's calls,
 * parties, CRM objects, trackers, topics and transcript sentences, kept current from what the
 * gateway already receives (./ingest.ts), filled once per connection over READ_MODEL_DAYS
 * (./fill.ts), and read by `gongCallSearch` without any Gong request (./search.ts). This file
 * assembles the pieces and runs the background work; the wiring (src/wiring/read-model.ts)
 * decides the engine and feeds it.
 */
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Connection } from '../connections/types.js';
import type { EventLog } from '../events/event-log.js';
import {
  ALL_CALLS,
  type InterestLease,
  type TranscriptInterest,
} from '../events/transcript-interest.js';
import type { CallObserver } from '../gong/call-observer.js';
import type { GongClient } from '../gong/types.js';
import type { Logger } from '../observability/logger.js';
import { runFill, type BackgroundDeps, type Sleep } from './fill.js';
import { createFillState } from './fill-state.js';
import { createIngest, type Ingest } from './ingest.js';
import { textConfigs } from './languages.js';
import {
  createReadModelMetrics,
  ROW_KINDS,
  type ReadModelSnapshot,
  type RowKind,
} from './metrics.js';
import { migrate } from './migrations.js';
import { createRefreshQueue } from './refresh.js';
import { runRefreshes } from './refresher.js';
import {
  queryKind,
  searchCalls,
  snippetsOf,
  type SearchInput,
  type SearchPage,
  type Snippet,
} from './search.js';
import type { Sql } from './sql.js';
import { createWrites } from './writes.js';

export type { SearchFilter, SearchInput, SearchKey, SearchPage, Snippet } from './search.js';

/** What the model can say of its completeness for one connection. */
export interface IndexStatus {
  /** The oldest start the model keeps (now − READ_MODEL_DAYS). */
  indexedFrom: string;
  /** Every call that started in [indexedFrom, indexedThrough) has been read; null before the fill began. */
  indexedThrough: string | null;
  fill: 'pending' | 'running' | 'done';
}

/** What GraphQL uses: searches of one connection, never a Gong request. */
export interface CallSearchService {
  search(connectionRef: string, input: SearchInput): Promise<SearchPage>;
  /** Sentences of the calls that match a search's `textQuery` (SearchPage). */
  snippets(
    connectionRef: string,
    callIds: readonly string[],
    textQuery: string,
    perCall: number,
  ): Promise<Map<string, Snippet[]>>;
  status(connectionRef: string): Promise<IndexStatus>;
}

export interface ReadModelOptions {
  sql: Sql;
  client(ref: string): GongClient;
  /** The connections to fill (ACTIVE ones are). */
  connections(): Promise<Connection[]>;
  observer: CallObserver;
  events?: EventLog;
  /**
   * Where the transcript poller learns whose transcripts someone waits for: the model waits for
   * every call of each connection it fills, so new calls' transcripts reach it as they are ready.
   */
  interest?: TranscriptInterest;
  registry: Registry;
  logger: Logger;
  /** READ_MODEL_DAYS. */
  days: number;
  overlapMs: number;
  /** Requests per connection per UTC day the fill and refreshes may spend. */
  dailyCap: number;
  /** How long a queued refresh waits for other reads to bring what it lacks. @default 10_000 */
  lingerMs?: number;
  /** How often queued refreshes are looked for. @default 5_000 */
  refreshIntervalMs?: number;
  /** How often the connection list is read for new connections to fill. @default 600_000 */
  rescanMs?: number;
  now?: () => number;
}

export interface ReadModel extends CallSearchService {
  readonly engine: Sql['engine'];
  readonly ingest: Ingest;
  /** Starts the fills and the refresh loop. */
  start(): void;
  /** Wakes every background wait (tests that moved the clock; new connections). */
  wake(): void;
  /** Resolves when the running fills have ended. */
  fillsSettled(): Promise<void>;
  /** Writes what is queued and runs every queued refresh now (tests, and `settle` in benches). */
  settle(): Promise<void>;
  /** Readiness: the database answers; progress summed over connections. */
  readiness(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const MAINTAINED = ['rm_call', 'rm_call_record', 'rm_transcript', 'rm_transcript_sentences'];

/** A sleep that `wake()` cuts short. */
function createWaker(): { sleep: Sleep; wake(): void } {
  const waiting = new Set<() => void>();
  return {
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
        timer.unref();
        waiting.add(done);
        signal.addEventListener('abort', done, { once: true });
      }),
    wake: () => [...waiting].forEach((w) => w()),
  };
}

export async function openReadModel(opts: ReadModelOptions): Promise<ReadModel> {
  const { sql, logger } = opts;
  const now = opts.now ?? Date.now;
  const applied = await migrate(sql);
  // Migrations 2 and 3 rewrote every rm_call row (2 dropped its JSON columns, 3 added the filter
  // arrays), and 4 every rm_transcript row (its phrases): compact the tables (outside the
  // migration's transaction, where VACUUM cannot run), so scans read live rows only from the start.
  if (applied.includes(2) || applied.includes(3)) await sql.query('VACUUM (FULL, ANALYZE) rm_call');
  if (applied.includes(4)) await sql.query('VACUUM (FULL, ANALYZE) rm_transcript');
  const configOf = await textConfigs(sql);
  const writes = createWrites(sql, configOf);
  const state = createFillState(sql);
  const queue = createRefreshQueue(sql, { lingerMs: opts.lingerMs ?? 10_000 });
  const windowMs = opts.days * DAY_MS;
  const metrics = createReadModelMetrics(opts.registry, () => snapshot());
  const ingest = createIngest({
    writes,
    refresh: queue,
    windowStart: () => now() - windowMs,
    logger,
    metrics,
  });
  const unlisten = [opts.observer.listen(ingest.observer), opts.events?.listen(ingest.events)];
  const waker = createWaker();
  const abort = new AbortController();
  const deps: BackgroundDeps = {
    client: (ref) => opts.client(ref),
    writes,
    ingest,
    state,
    logger,
    metrics,
    windowMs,
    overlapMs: opts.overlapMs,
    dailyCap: opts.dailyCap,
    owner: randomUUID(),
    now,
    sleep: waker.sleep,
    // PGlite has no autovacuum: statistics for the planner (unanalysed plans were several times
    // slower at 10,000 calls), dead rows of upserts made reusable, and the WAL checkpointed.
    maintain: async () => {
      try {
        await sql.query(`VACUUM (ANALYZE) ${MAINTAINED.join(', ')}`);
        await sql.checkpoint();
      } catch (err) {
        logger.warn({ err }, 'read model: VACUUM / CHECKPOINT failed');
      }
    },
  };
  // For what an earlier run stored.
  await deps.maintain();

  // One lease per connection, renewed by the background loop well within its ttl.
  const leases = new Map<string, { lease: Promise<InterestLease>; renewedAt: number }>();
  const INTEREST_TTL_MS = 600_000;
  const wantTranscripts = (ref: string) => {
    if (!opts.interest) return;
    const held = leases.get(ref);
    if (!held) {
      const lease = opts.interest.want(ref, ALL_CALLS, 'read-model', {
        holder: `read-model:${deps.owner}`,
        ttlMs: INTEREST_TTL_MS,
      });
      lease.catch((err: unknown) => {
        leases.delete(ref);
        logger.warn({ err }, 'read model: could not register its transcript interest');
      });
      leases.set(ref, { lease, renewedAt: Date.now() });
    } else if (Date.now() - held.renewedAt > INTEREST_TTL_MS / 3) {
      held.renewedAt = Date.now();
      held.lease
        .then((l) => l.renew())
        .catch((err: unknown) =>
          logger.warn({ err }, 'read model: could not renew its transcript interest'),
        );
    }
  };

  const fills = new Map<string, Promise<void>>();
  const fill = (ref: string) => {
    if (fills.has(ref) || abort.signal.aborted) return;
    const run = runFill(deps, ref, abort.signal)
      .catch((err: unknown) => logger.error({ err }, 'read model: the fill stopped'))
      .finally(() => fills.delete(ref));
    fills.set(ref, run);
  };
  const scan = async () => {
    try {
      for (const c of await opts.connections())
        if (c.status === 'ACTIVE') {
          fill(c.ref);
          wantTranscripts(c.ref);
        }
    } catch (err) {
      logger.warn({ err }, 'read model: could not list connections to fill');
    }
  };
  let loops: Promise<void> | undefined;
  let firstScan: Promise<void> | undefined;
  const background = async () => {
    let lastScan = Date.now();
    while (!abort.signal.aborted) {
      if (Date.now() - lastScan >= (opts.rescanMs ?? 600_000)) {
        lastScan = Date.now();
        await scan();
      }
      for (const ref of leases.keys()) wantTranscripts(ref);
      try {
        await runRefreshes(deps, queue, abort.signal);
      } catch (err) {
        logger.warn({ err }, 'read model: refreshing calls failed');
      }
      await waker.sleep(opts.refreshIntervalMs ?? 5_000, abort.signal);
    }
  };

  async function snapshot(): Promise<ReadModelSnapshot> {
    const counted: Record<RowKind, string> = {
      call: 'count(*) FROM rm_call',
      party: 'coalesce(sum(cardinality(emails)), 0) FROM rm_call',
      crm_object: 'coalesce(sum(cardinality(crm_object_ids)), 0) FROM rm_call',
      tracker: 'coalesce(sum(cardinality(tracker_names)), 0) FROM rm_call',
      topic: 'coalesce(sum(cardinality(topic_names)), 0) FROM rm_call',
      sentence: 'coalesce(sum(sentences), 0) FROM rm_transcript_sentences',
    };
    const [counts] = await sql.query<Record<RowKind, number>>(
      `SELECT ${ROW_KINDS.map((k) => `(SELECT ${counted[k]})::int AS ${k}`).join(', ')}`,
    );
    const [size] = await sql.query<{ bytes: number | null }>(
      `SELECT sum(pg_total_relation_size(c.oid))::float8 AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND c.relname LIKE 'rm\\_%' AND n.nspname = current_schema()`,
    );
    const all = await state.all();
    const running = all.filter((f) => f.doneAt === null);
    return {
      rows: counts ?? (Object.fromEntries(ROW_KINDS.map((k) => [k, 0])) as Record<RowKind, number>),
      bytes: size?.bytes ?? 0,
      fill: {
        callsRead: running.reduce((n, f) => n + f.callsRead, 0),
        callsExpected: running.reduce((n, f) => n + f.callsExpected, 0),
        running: running.length,
        done: all.length - running.length,
      },
      refreshQueue: await queue.size(),
    };
  }

  return {
    engine: sql.engine,
    ingest,
    async search(ref, input) {
      const started = performance.now();
      const conn = await writes.connId(ref);
      try {
        return await searchCalls(sql, conn, input);
      } finally {
        metrics.queryLatency.observe(
          { kind: queryKind(input.filter) },
          (performance.now() - started) / 1000,
        );
      }
    },
    async snippets(ref, callIds, textQuery, perCall) {
      return snippetsOf(sql, await writes.connId(ref), callIds, textQuery, perCall);
    },
    async status(ref) {
      const f = await state.get(await writes.connId(ref));
      return {
        indexedFrom: new Date(now() - windowMs).toISOString(),
        indexedThrough: f ? f.through.toISOString() : null,
        fill: !f ? 'pending' : f.doneAt ? 'done' : 'running',
      };
    },
    start() {
      firstScan ??= scan();
      loops ??= firstScan.then(background);
    },
    wake: () => waker.wake(),
    async fillsSettled() {
      await firstScan;
      while (fills.size > 0) await Promise.all([...fills.values()]);
    },
    async settle() {
      await ingest.flush();
      while ((await runRefreshes(deps, queue, abort.signal, { all: true })) > 0)
        await ingest.flush();
      await ingest.flush();
    },
    async readiness() {
      const s = await snapshot();
      return {
        engine: sql.engine,
        calls: s.rows.call,
        fill: {
          running: s.fill.running,
          done: s.fill.done,
          callsRead: s.fill.callsRead,
          callsExpected: s.fill.callsExpected,
        },
      };
    },
    async close() {
      abort.abort();
      waker.wake();
      // Background reads still in flight are written through the listeners: unlisten after them.
      await Promise.allSettled([loops, ...fills.values()]);
      await Promise.allSettled([...leases.values()].map(async (l) => (await l.lease).release()));
      for (const u of unlisten) u?.();
      await ingest.flush();
      await sql.close();
    },
  };
}
