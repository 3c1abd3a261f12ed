/**
 * EventLog on Redis Streams (`REDIS_URL` or `REDIS_CLUSTER_NODES`). Each topic and connection is
 * one stream (`<prefix>{eventlog}:events:<ref>` for call.created, `…:transcripts:<ref>` for
 * transcript.ready, `…:changes:<ref>` for call.changed) whose entry ids are the eventIds; each
 * append trims it to `maxEvents` and drops entries older than EVENT_RETENTION_HOURS, and marks
 * the newest id it dropped (`…:trimmed:<name>:<ref>`), so a replay after an older id is refused. The dedupe mark, the append
 * and a copy into one shared fan-out stream happen in a single Lua script, so a crash cannot
 * store an event without its mark (a double publish) or a mark without its event (a loss).
 * Every instance tails the fan-out stream with XREAD BLOCK on a dedicated connection and calls
 * its local listeners; a reconnect resumes from the last id read, so live delivery loses nothing.
 */
import type { Redis } from '../store/redis.js';
import type { ReportCorruptEntry } from '../observability/corrupt-entries.js';
import type { Logger } from '../observability/logger.js';
import { compareEventIds, isEventId, START_EVENT_ID } from './event-id.js';
import type {
  AppendInput,
  AppendResult,
  EventListener,
  EventLog,
  EventTopic,
  LoggedEvent,
  ReplayResult,
} from './event-log.js';
import { EVENT_TOPICS } from './event-log.js';

export interface RedisEventLogOptions {
  /** Commands (append, replay). Not closed by the log: its owner quits it. */
  redis: Redis;
  /** REDIS_KEY_PREFIX. */
  prefix: string;
  /** Events kept per stream (EVENT_LOG_MAX_EVENTS). */
  maxEvents: number;
  /** How long an event is kept (EVENT_RETENTION_HOURS). @default 14 days */
  retentionMs?: number;
  /** The clock the age bound is measured with; stream ids come from Redis' own clock. @default Date.now */
  now?: () => number;
  /** How long a dedupe mark lives. @default 7 days */
  dedupeTtlMs?: number;
  /** Entries kept in the shared fan-out stream (only live tailing reads it). @default 10_000 */
  fanoutMaxEvents?: number;
  /** XREAD BLOCK timeout; close() interrupts it anyway. @default 5_000 */
  blockMs?: number;
  logger?: Logger;
  /** Entries that do not parse are skipped and reported here (logged and counted once). */
  reportCorrupt?: ReportCorruptEntry;
}

/**
 * Trims stream KEYS[s] to at most ARGV[n] entries and drops those older than ARGV[c] (an id),
 * recording in KEYS[m] the newest id it dropped: a replay after an older id has a gap (Redis 7
 * keeps no such mark for trims, only for XDEL).
 */
const trim = (s: number, m: number, n: number, c: number) => `
local trimmedTo = false
local over = redis.call('XLEN', KEYS[${s}]) - tonumber(ARGV[${n}])
if over > 0 then
  local old = redis.call('XRANGE', KEYS[${s}], '-', '+', 'COUNT', over)
  trimmedTo = old[#old][1]
  redis.call('XTRIM', KEYS[${s}], 'MAXLEN', ARGV[${n}])
end
local aged = redis.call('XREVRANGE', KEYS[${s}], '(' .. ARGV[${c}], '-', 'COUNT', 1)
if #aged > 0 then
  trimmedTo = aged[1][1]
  redis.call('XTRIM', KEYS[${s}], 'MINID', ARGV[${c}])
end
if trimmedTo then redis.call('SET', KEYS[${m}], trimmedTo) end
`;

const APPEND = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
local id = redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
${trim(2, 4, 1, 5)}
redis.call('SET', KEYS[1], id, 'PX', ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'id', id, 'e', ARGV[2])
return {1, id}
`;

/** Age is enforced when read too: a quiet stream has no append to trim it. Returns the mark. */
const TRIM = `
${trim(1, 2, 1, 2)}
return redis.call('GET', KEYS[2])
`;

interface StoredEntry {
  topic: EventTopic;
  ref: string;
  receivedAt: string;
  data: unknown;
}

function isStoredEntry(v: unknown): v is StoredEntry {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    EVENT_TOPICS.some((t) => t === o.topic) &&
    typeof o.ref === 'string' &&
    typeof o.receivedAt === 'string'
  );
}

/** Field `name` of a flat XADD field list. */
function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

type Parsed = { ok: true; event: LoggedEvent } | { ok: false; problem: string };

function toEvent(eventId: string, json: string | undefined): Parsed {
  if (json === undefined) return { ok: false, problem: 'no event field' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  if (!isStoredEntry(parsed))
    return { ok: false, problem: 'not a stored event (topic, ref, receivedAt)' };
  return {
    ok: true,
    event: {
      eventId,
      topic: parsed.topic,
      connectionRef: parsed.ref,
      receivedAt: parsed.receivedAt,
      data: parsed.data,
    },
  };
}

type StreamEntries = [id: string, fields: string[]][];

export function createRedisEventLog(opts: RedisEventLogOptions): EventLog {
  const { redis, prefix } = opts;
  const dedupeTtlMs = opts.dedupeTtlMs ?? 7 * 24 * 3600_000;
  const fanoutMax = opts.fanoutMaxEvents ?? 10_000;
  const blockMs = opts.blockMs ?? 5_000;
  // One hash tag for the whole log: the append script touches a connection's stream, its dedupe
  // mark and the shared fan-out stream at once, so on a Redis Cluster they must share a slot.
  const tag = `${prefix}{eventlog}:`;
  const fanoutKey = `${tag}evfanout`;
  const retentionMs = opts.retentionMs ?? 14 * 24 * 3600_000;
  const now = opts.now ?? Date.now;
  /** Entries older than this id are past the age bound. */
  const cutoff = () => `${Math.max(0, Math.floor(now() - retentionMs))}-0`;
  const STREAM_NAMES: Record<EventTopic, string> = {
    'call.created': 'events',
    'transcript.ready': 'transcripts',
    'call.changed': 'changes',
  };
  const streamKey = (topic: EventTopic, ref: string) => `${tag}${STREAM_NAMES[topic]}:${ref}`;
  const trimmedKey = (topic: EventTopic, ref: string) =>
    `${tag}trimmed:${STREAM_NAMES[topic]}:${ref}`;
  const dedupeKey = (topic: EventTopic, ref: string, key: string) =>
    `${tag}evdedupe:${topic}:${ref}:${key}`;

  /** The event of a stream entry; a corrupt one is reported and skipped (a gap in replay, never a stall). */
  const eventOf = (
    streamKey: string,
    eventId: string,
    json: string | undefined,
  ): LoggedEvent | undefined => {
    const r = toEvent(eventId, json);
    if (r.ok) return r.event;
    opts.reportCorrupt?.('event_log', `${streamKey}#${eventId}`, r.problem);
    return undefined;
  };

  const listeners = new Set<EventListener>();
  let stopped = false;
  let reader: Redis | undefined;

  const tail = async (start: string): Promise<void> => {
    let cursor = start;
    while (!stopped && reader) {
      try {
        const reply = await reader.xread(
          'COUNT',
          500,
          'BLOCK',
          blockMs,
          'STREAMS',
          fanoutKey,
          cursor,
        );
        for (const [, entries] of reply ?? []) {
          for (const [, fields] of entries) {
            const id = field(fields, 'id');
            const event = id === undefined ? undefined : eventOf(fanoutKey, id, field(fields, 'e'));
            if (event) for (const l of listeners) l(event);
          }
          const last = entries[entries.length - 1];
          if (last) cursor = last[0];
        }
      } catch (err) {
        if (stopped) return;
        opts.logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'event log tail failed; retrying',
        );
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  // The tail starts at the fan-out stream's current end, resolved to a concrete id (never `$`,
  // which would skip whatever arrives between two XREADs).
  const started = (async () => {
    // Its own connection (on a cluster, its own client to every node): XREAD BLOCK holds it.
    reader = redis.duplicate();
    reader.on('error', (err: Error) =>
      opts.logger?.warn({ err: err.message }, 'event log reader connection error'),
    );
    const last = (await redis.xrevrange(fanoutKey, '+', '-', 'COUNT', 1)) as StreamEntries;
    const start = last[0]?.[0] ?? START_EVENT_ID;
    void tail(start);
  })();

  return {
    async seen(input) {
      const id = await redis.get(dedupeKey(input.topic, input.connectionRef, input.dedupeKey));
      return id ?? undefined;
    },

    async append(input: AppendInput): Promise<AppendResult> {
      const entry: StoredEntry = {
        topic: input.topic,
        ref: input.connectionRef,
        receivedAt: input.receivedAt,
        data: input.data,
      };
      const reply = (await redis.eval(
        APPEND,
        4,
        dedupeKey(input.topic, input.connectionRef, input.dedupeKey),
        streamKey(input.topic, input.connectionRef),
        fanoutKey,
        trimmedKey(input.topic, input.connectionRef),
        opts.maxEvents,
        JSON.stringify(entry),
        dedupeTtlMs,
        fanoutMax,
        cutoff(),
      )) as [number, string];
      return { eventId: String(reply[1]), duplicate: reply[0] === 0 };
    },

    async replay(topic, connectionRef, after, limit): Promise<ReplayResult> {
      if (!isEventId(after)) return { ok: false, problem: 'malformed' };
      const key = streamKey(topic, connectionRef);
      const mark = (await redis.eval(
        TRIM,
        2,
        key,
        trimmedKey(topic, connectionRef),
        opts.maxEvents,
        cutoff(),
      )) as string | null;
      const trimmedTo = mark ?? START_EVENT_ID;
      // `after` is an id this stream handed out: older than the newest trimmed one means a gap.
      if (compareEventIds(after, trimmedTo) < 0) return { ok: false, problem: 'past-retention' };
      if (after !== START_EVENT_ID && after !== trimmedTo) {
        const hit = (await redis.xrange(key, after, after)) as StreamEntries;
        if (hit.length === 0) return { ok: false, problem: 'unknown' };
      }
      // A skipped corrupt entry must not make a page look short (the stream would take it for the end).
      const events: LoggedEvent[] = [];
      let from = after;
      for (;;) {
        const wanted = limit - events.length;
        const entries = (await redis.xrange(
          key,
          `(${from}`,
          '+',
          'COUNT',
          wanted,
        )) as StreamEntries;
        for (const [id, fields] of entries) {
          const e = eventOf(key, id, field(fields, 'e'));
          if (e) events.push(e);
        }
        const last = entries[entries.length - 1];
        if (!last || entries.length < wanted || events.length >= limit) break;
        from = last[0];
      }
      return { ok: true, events };
    },

    async lastEventId(topic, connectionRef) {
      const last = (await redis.xrevrange(
        streamKey(topic, connectionRef),
        '+',
        '-',
        'COUNT',
        1,
      )) as StreamEntries;
      return last[0]?.[0] ?? START_EVENT_ID;
    },

    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => started,
    async close() {
      stopped = true;
      listeners.clear();
      await started.catch(() => undefined);
      reader?.disconnect();
      reader = undefined;
    },
  };
}
