/**
 * `gongCallCreated` and `gongTranscriptReady` (schema/subscriptions.graphql) over the event log,
 * and the webhook admin fields (`gongWebhookDeadLetters`, `gongSetWebhookPublicKey`). Each event is resolved with fresh loaders
 * (a subscription's context lives as long as the socket; graphql-js issue #894), and a call is
 * built from the webhook's callData, so the fields it carries cost no upstream request; what it
 * lacks is fetched once per event (./webhook-call.ts).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { assertAdmin } from '../../auth/client-auth.js';
import { assertConnectionRef } from '../../connections/types.js';
import type { GatewayContext } from '../context.js';
import { ErrorCode, forbidden, GatewayError } from '../../errors.js';
import { readCallCreated, readTranscriptReady } from '../../events/payloads.js';
import { ALL_CALLS } from '../../events/transcript-interest.js';
import type { EventTopic, LoggedEvent } from '../../events/event-log.js';
import { openEventStream } from '../../events/event-stream.js';
import { WsCloseCode } from '../../close-codes.js';
import { tooSlowReason } from '../../events/services.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { checkFirst } from '../cursor.js';
import { gongId } from './ids.js';
import { callFromWebhook } from './webhook-call.js';

/** A subscriber's interest lease; renewed every third of it while the stream is open. */
const SUBSCRIBER_LEASE_MS = 120_000;

function isLoggedEvent(v: unknown): v is LoggedEvent {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Record<string, unknown>).eventId === 'string'
  );
}

const corrupt = (what: string) =>
  new GatewayError(
    ErrorCode.INTERNAL_SERVER_ERROR,
    `A stored ${what} event does not have the expected shape`,
  );

/** Opens a subscriber's stream with metrics and the 4413 close on overflow. */
async function open(
  ctx: GatewayContext,
  name: string,
  topic: EventTopic,
  after: string | null | undefined,
  filter: (e: LoggedEvent) => boolean,
  onEnd?: () => void,
) {
  const ev = ctx.services.events;
  const socket = ctx.subscriberSocket;
  // A group of identical subscriptions shares this stream: the hub counts members and their deliveries.
  const shared = ctx.sharedStream;
  shared?.opened(name, after ?? undefined);
  // Counted before opening: a refused `after` ends the stream at once, and onEnd takes it back.
  if (!shared) ev.metrics?.openSubscriptions.inc({ subscription: name });
  return openEventStream({
    log: ev.log,
    topic,
    connectionRef: ctx.connectionRef,
    after: after ?? undefined,
    filter,
    maxPending: ev.maxPending,
    onOverflow: (last) => {
      ctx.logger.warn({ subscription: name, lastDelivered: last }, 'subscriber too slow: closing');
      socket?.close(WsCloseCode.SubscriberTooSlow, tooSlowReason(last));
    },
    onEnd: () => {
      onEnd?.();
      if (!shared) ev.metrics?.openSubscriptions.dec({ subscription: name });
    },
    onLiveDelivery: (e) =>
      shared
        ? shared.live(e)
        : ev.metrics?.eventDeliveryLag.observe(
            Math.max(0, ev.now() - Date.parse(e.receivedAt)) / 1000,
          ),
  });
}

/**
 * A subscriber waits for every transcript of its connection: the poller asks Gong about the
 * connection's calls only while one does. The lease is renewed while the stream is open (it expires
 * by itself if this instance dies); the returned function lets go.
 */
async function waitForTranscripts(ctx: GatewayContext): Promise<() => void> {
  const interest = ctx.services.events.interest;
  if (!interest) return () => undefined;
  const lease = await interest.want(ctx.connectionRef, ALL_CALLS, 'subscriber', {
    ttlMs: SUBSCRIBER_LEASE_MS,
  });
  const warn = (err: unknown) =>
    ctx.logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      "could not renew a subscriber's interest in transcripts",
    );
  const renew = setInterval(() => void lease.renew().catch(warn), SUBSCRIBER_LEASE_MS / 3);
  renew.unref();
  return () => {
    clearInterval(renew);
    void lease.release().catch(warn);
  };
}

export const subscriptionResolvers: Resolvers = {
  Query: {
    gongWebhookDeadLetters: async (_p, args, ctx) => {
      assertAdmin(ctx.principal);
      const letters = await ctx.services.events.deadLetters.newest(
        assertConnectionRef(args.connectionRef),
        checkFirst(args.first ?? 20),
      );
      return letters.map((l) => ({
        id: l.id,
        receivedAt: l.receivedAt,
        reason: l.reason,
        body: l.body,
        truncated: l.truncated === true,
      }));
    },
  },
  Subscription: {
    gongCallCreated: {
      subscribe: (_p, args, ctx) => {
        const workspaceId = args.workspaceId ? gongId(args.workspaceId, 'workspaceId') : undefined;
        return open(ctx, 'gongCallCreated', 'call.created', args.after, (e) => {
          const d = readCallCreated(e.data);
          if (!d) return false;
          if (d.isTest && !args.includeTest) return false;
          if (d.isPrivate && !args.includePrivate) return false;
          return workspaceId === undefined || d.callData.metaData.workspaceId === workspaceId;
        });
      },
      resolve: async (
        payload: unknown,
        _args: unknown,
        ctx: GatewayContext,
        info: GraphQLResolveInfo,
      ) => {
        const d = isLoggedEvent(payload) ? readCallCreated(payload.data) : undefined;
        if (!isLoggedEvent(payload) || !d) throw corrupt('call.created');
        ctx.loaders = ctx.freshLoaders();
        return {
          eventId: payload.eventId,
          receivedAt: payload.receivedAt,
          isTest: d.isTest,
          call: await callFromWebhook(ctx, info, d.callData),
        };
      },
    },
    gongTranscriptReady: {
      subscribe: async (_p, args, ctx) => {
        const waiting = await waitForTranscripts(ctx);
        try {
          return await open(
            ctx,
            'gongTranscriptReady',
            'transcript.ready',
            args.after,
            (e) => {
              const d = readTranscriptReady(e.data);
              return d !== undefined && (!d.isPrivate || args.includePrivate === true);
            },
            waiting,
          );
        } catch (e) {
          waiting();
          throw e;
        }
      },
      resolve: (payload: unknown, _args: unknown, ctx: GatewayContext) => {
        const d = isLoggedEvent(payload) ? readTranscriptReady(payload.data) : undefined;
        if (!isLoggedEvent(payload) || !d) throw corrupt('transcript.ready');
        const loaders = ctx.freshLoaders();
        loaders.transcripts.prime(d.callId, d.transcript);
        ctx.loaders = loaders;
        return { eventId: payload.eventId, callId: d.callId, transcript: d.transcript };
      },
    },
  },
  Mutation: {
    gongSetWebhookPublicKey: async (_p, args, ctx) => {
      if (!ctx.principal.admin)
        throw forbidden('gongSetWebhookPublicKey needs an admin API key (GATEWAY_ADMIN_API_KEYS)');
      await ctx.services.events.keys.set(assertConnectionRef(args.connectionRef), args.publicKey);
      return true;
    },
  },
};
