/**
 * In-memory EventLog: the default without REDIS_URL (one instance; a restart loses the log).
 * Same id format and the same replay rules as the Redis log, so tests of one hold for the other.
 */
import {
  compareEventIds,
  isEventId,
  nextEventId,
  parseEventId,
  START_EVENT_ID,
} from './event-id.js';
import type {
  AppendInput,
  AppendResult,
  EventListener,
  EventLog,
  EventTopic,
  LoggedEvent,
  ReplayResult,
} from './event-log.js';
import { promised } from '../util/promised.js';

export interface MemoryEventLogOptions {
  /** Events kept per stream (EVENT_LOG_MAX_EVENTS). */
  maxEvents: number;
  /** How long an event is kept (EVENT_RETENTION_HOURS). @default 14 days */
  retentionMs?: number;
  /** How long a dedupe mark lives. @default 7 days */
  dedupeTtlMs?: number;
  /** @default Date.now */
  now?: () => number;
}

interface Stream {
  events: LoggedEvent[];
  lastId?: string;
  /** Newest id trimmed away: an `after` before it has a gap. */
  maxDeletedId?: string;
}

export function createMemoryEventLog(opts: MemoryEventLogOptions): EventLog {
  const now = opts.now ?? Date.now;
  const dedupeTtlMs = opts.dedupeTtlMs ?? 7 * 24 * 3600_000;
  const retentionMs = opts.retentionMs ?? 14 * 24 * 3600_000;
  const streams = new Map<string, Stream>();
  const dedupe = new Map<string, { eventId: string; expiresAt: number }>();
  const listeners = new Set<EventListener>();
  let lastId: string | undefined;

  const streamOf = (topic: EventTopic, ref: string): Stream => {
    const key = `${topic}\u0000${ref}`;
    let s = streams.get(key);
    if (!s) streams.set(key, (s = { events: [] }));
    return s;
  };

  /** Drops the oldest events beyond the count bound and those older than the time bound. */
  const trim = (s: Stream) => {
    const cutoff = BigInt(Math.floor(now() - retentionMs));
    let drop = Math.max(0, s.events.length - opts.maxEvents);
    while (drop < s.events.length && (parseEventId(s.events[drop]!.eventId)?.ms ?? 0n) < cutoff)
      drop += 1;
    if (drop === 0) return;
    const dropped = s.events.splice(0, drop);
    s.maxDeletedId = dropped[dropped.length - 1]?.eventId ?? s.maxDeletedId;
  };

  return {
    seen(input) {
      const mark = dedupe.get(`${input.topic}\u0000${input.connectionRef}\u0000${input.dedupeKey}`);
      return Promise.resolve(mark && mark.expiresAt > now() ? mark.eventId : undefined);
    },

    append: (input: AppendInput): Promise<AppendResult> =>
      promised(() => {
        const markKey = `${input.topic}\u0000${input.connectionRef}\u0000${input.dedupeKey}`;
        const mark = dedupe.get(markKey);
        if (mark && mark.expiresAt > now()) return { eventId: mark.eventId, duplicate: true };
        const s = streamOf(input.topic, input.connectionRef);
        // One clock for all streams keeps ids increasing even if a stream was empty.
        const eventId = nextEventId(lastId, now());
        lastId = eventId;
        const event: LoggedEvent = {
          eventId,
          topic: input.topic,
          connectionRef: input.connectionRef,
          receivedAt: input.receivedAt,
          data: input.data,
        };
        s.events.push(event);
        s.lastId = eventId;
        trim(s);
        dedupe.set(markKey, { eventId, expiresAt: now() + dedupeTtlMs });
        // Expired marks are swept now and then so a long-running instance stays bounded.
        if (dedupe.size > opts.maxEvents * 4)
          for (const [k, m] of dedupe) if (m.expiresAt <= now()) dedupe.delete(k);
        for (const l of listeners) l(event);
        return { eventId, duplicate: false };
      }),

    replay: (topic, connectionRef, after, limit): Promise<ReplayResult> =>
      promised((): ReplayResult => {
        if (!isEventId(after)) return { ok: false, problem: 'malformed' };
        const s = streamOf(topic, connectionRef);
        trim(s);
        if (s.maxDeletedId !== undefined && compareEventIds(after, s.maxDeletedId) < 0)
          return { ok: false, problem: 'past-retention' };
        const known =
          after === START_EVENT_ID ||
          after === s.maxDeletedId ||
          s.events.some((e) => e.eventId === after);
        if (!known) return { ok: false, problem: 'unknown' };
        const events = s.events
          .filter((e) => compareEventIds(e.eventId, after) > 0)
          .slice(0, limit);
        return { ok: true, events };
      }),

    lastEventId: (topic, connectionRef) =>
      promised(() => streamOf(topic, connectionRef).lastId ?? START_EVENT_ID),

    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async ready() {},
    close: () =>
      promised(() => {
        listeners.clear();
      }),
  };
}
