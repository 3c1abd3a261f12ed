/**
 * What the subscription resolvers and the webhook admin fields need, carried in the GraphQL
 * context's `services` bag as `events`; plus the per-operation handle on the subscriber's socket
 * that graphql-ws wiring adds as `subscriberSocket`.
 */
import type { GatewayContext } from '../context.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { Loaders } from '../loaders/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { DeadLetters } from './dead-letters.js';
import type { EventLog, LoggedEvent } from './event-log.js';
import type { WebhookKeys } from './webhook-keys.js';

export interface EventServices {
  log: EventLog;
  keys: WebhookKeys;
  /** Signed deliveries that could not be accepted, for gongWebhookDeadLetters. */
  deadLetters: DeadLetters;
  /** WS_MAX_PENDING_EVENTS. */
  maxPending: number;
  /** Loaders for one event: a subscription lives long, and cached users or transcripts go stale. */
  freshLoaders(ctx: GatewayContext): Loaders;
  metrics?: Metrics | undefined;
  now: () => number;
}

/** Closes the WebSocket an operation runs on (graphql-ws wiring provides it). */
export interface SubscriberSocket {
  close(code: number, reason: string): void;
}

/** Close code for a subscriber whose bounded buffer overflowed; the reason names `after`. */
export const CLOSE_TOO_SLOW = 4413;

/** The 4413 reason: where the closed subscriber resumes without gap or duplicate. */
export const tooSlowReason = (lastDelivered: string | undefined) => `Subscriber too slow: resume with after=${lastDelivered ?? ''}`;

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function eventServicesOf(ctx: GatewayContext): EventServices {
  const ev = ctx.services.events;
  if (!isObject(ev) || !isObject(ev.log) || !isObject(ev.keys) || !isObject(ev.deadLetters) || typeof ev.freshLoaders !== 'function') {
    throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'Event services are not configured in this gateway (services.events)');
  }
  return ev as unknown as EventServices;
}

export function subscriberSocketOf(ctx: GatewayContext): SubscriberSocket | undefined {
  const s = ctx.services.subscriberSocket;
  return isObject(s) && typeof s.close === 'function' ? (s as unknown as SubscriberSocket) : undefined;
}

export function sharedStreamOf(ctx: GatewayContext): SharedStream | undefined {
  const s = ctx.services.sharedStream;
  return isObject(s) && typeof s.opened === 'function' && typeof s.live === 'function' ? (s as unknown as SharedStream) : undefined;
}
