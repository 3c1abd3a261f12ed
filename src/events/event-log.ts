/**
 * The durable, ordered log behind every event the gateway pushes (`call.created` from Gong's
 * webhooks, `transcript.ready` from the poller, `call.changed` from what the gateway sees change). One stream per topic and connection; every event
 * gets a stable eventId (a Redis stream id) that clients pass back as `after` to resume.
 * Two implementations: in memory (one instance) and Redis Streams (`REDIS_URL`, every instance
 * sees every event).
 */

/** Every topic the log carries (payloads and their guards: ./payloads.ts). */
export const EVENT_TOPICS = ['call.created', 'transcript.ready', 'call.changed'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export interface LoggedEvent {
  eventId: string;
  topic: EventTopic;
  connectionRef: string;
  /** ISO-8601, when the gateway accepted the event. */
  receivedAt: string;
  /** The topic's JSON payload; readers validate it. */
  data: unknown;
}

export interface AppendInput {
  topic: EventTopic;
  connectionRef: string;
  /**
   * Idempotency key within the topic and connection: a second append with the same key stores
   * nothing and returns the first event's id with `duplicate: true`.
   */
  dedupeKey: string;
  data: unknown;
  receivedAt: string;
}

export type AppendResult = { eventId: string; duplicate: boolean };

/** Why a replay cannot start where the client asked. */
export type ReplayProblem = 'malformed' | 'unknown' | 'past-retention';

export type ReplayResult =
  { ok: true; events: LoggedEvent[] } | { ok: false; problem: ReplayProblem };

export type EventListener = (event: LoggedEvent) => void;

export interface EventLog {
  /** Resolves once the event is durably stored (and deduplicated); only then may a webhook get 2xx. */
  append(input: AppendInput): Promise<AppendResult>;
  /**
   * The eventId an append with this key already got, if its dedupe mark still lives: checked
   * before anything a delivery carries is written elsewhere (a replayed delivery must change nothing).
   */
  seen(
    input: Pick<AppendInput, 'topic' | 'connectionRef' | 'dedupeKey'>,
  ): Promise<string | undefined>;
  /**
   * Events of one stream strictly after `after`, oldest first, at most `limit`. `after` must be
   * an id this stream handed out (or `0-0`); an id followed by events the log no longer holds
   * (trimmed by count, EVENT_LOG_MAX_EVENTS, or by age, EVENT_RETENTION_HOURS) is `past-retention`.
   */
  replay(
    topic: EventTopic,
    connectionRef: string,
    after: string,
    limit: number,
  ): Promise<ReplayResult>;
  /** The newest eventId of a stream, or `0-0` when it is empty: where a reader of only what comes next starts. */
  lastEventId(topic: EventTopic, connectionRef: string): Promise<string>;
  /**
   * Calls `listener` for every event appended from now on, on any instance, in each stream's
   * order. Listeners must not block: fan-out never awaits a subscriber.
   */
  listen(listener: EventListener): () => void;
  /** Resolves when live delivery has started (the Redis tailer is reading). */
  ready(): Promise<void>;
  close(): Promise<void>;
}
