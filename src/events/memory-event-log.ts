/**
 * In-memory EventLog: the default without REDIS_URL (one instance; a restart loses the log).
 * Same id format and the same replay rules as the Redis log, so tests of one hold for the other.
 */
import { compareEventIds, isEventId, nextEventId, START_EVENT_ID } from './event-id.js';
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

  return {
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
        if (s.events.length > opts.maxEvents) {
          const dropped = s.events.splice(0, s.events.length - opts.maxEvents);
          s.maxDeletedId = dropped[dropped.length - 1]?.eventId ?? s.maxDeletedId;
        }
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
