/**
 * What the subscription resolvers and the webhook admin fields need (the context's
 * `services.events`), and the per-operation handles the transports put on the context: the
 * subscriber's socket and a shared stream.
 */
import type { WsCloseCode } from '../close-codes.js';
import type { Metrics } from '../observability/metrics.js';
import type { DeadLetters } from './dead-letters.js';
import type { EventLog, LoggedEvent } from './event-log.js';
import type { TranscriptInterest } from './transcript-interest.js';
import type { WebhookKeys } from './webhook-keys.js';

export interface EventServices {
  log: EventLog;
  /** Subscribers and sync chains say here that they wait for transcripts (the poller asks Gong only then). */
  interest?: TranscriptInterest | undefined;
  keys: WebhookKeys;
  /** Signed deliveries that could not be accepted, for gongWebhookDeadLetters. */
  deadLetters: DeadLetters;
  /** WS_MAX_PENDING_EVENTS. */
  maxPending: number;
  metrics?: Metrics | undefined;
  now: () => number;
}

/** Closes the WebSocket an operation runs on (graphql-ws wiring provides it). */
export interface SubscriberSocket {
  close(code: WsCloseCode, reason: string): void;
}

/** The 4413 reason: where the closed subscriber resumes without gap or duplicate. */
export const tooSlowReason = (lastDelivered: string | undefined) =>
  `Subscriber too slow: resume with after=${lastDelivered ?? ''}`;

/**
 * Set by the subscription hub on the context of a group of identical subscriptions, which share
 * one event stream: the hub counts the members and their deliveries, so the stream must not.
 */
export interface SharedStream {
  /** The group's stream is opening; `after` is where its replay starts (undefined: live only). */
  opened(subscription: string, after: string | undefined): void;
  /** A live (not replayed) event is being handed to the group. */
  live(event: LoggedEvent): void;
}
