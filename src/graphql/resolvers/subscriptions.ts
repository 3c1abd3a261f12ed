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
import { readCallChanged, readCallCreated, readTranscriptReady } from '../../events/payloads.js';
import { ALL_CALLS } from '../../events/transcript-interest.js';
import { servable } from '../../privacy/call-privacy.js';
import type { EventTopic, LoggedEvent } from '../../events/event-log.js';
import { openEventStream } from '../../events/event-stream.js';
import { WsCloseCode } from '../../close-codes.js';
import { tooSlowReason } from '../../events/services.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { checkFirst } from '../cursor.js';
import { gongId } from './ids.js';
import { servableOnly, standingNow } from './servable-events.js';
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

/**
 * Opens a subscriber's stream with metrics and the 4413 close on overflow. `filter` decides on
 * what the event recorded; `servableNow` checks each event handed out against the call's standing
 * now (the privacy rule), so a replay never serves a call made private or deleted since.
 */
async function open(
  ctx: GatewayContext,
  name: string,
  topic: EventTopic,
  after: string | null | undefined,
  filter: (e: LoggedEvent) => boolean,
  servableNow: (e: LoggedEvent) => Promise<boolean>,
  onEnd?: () => void,
) {
  const ev = ctx.services.events;
  const socket = ctx.subscriberSocket;
  // A group of identical subscriptions shares this stream: the hub counts members and their deliveries.
  const shared = ctx.sharedStream;
  shared?.opened(name, after ?? undefined);
  // Counted before opening: a refused `after` ends the stream at once, and onEnd takes it back.
  if (!shared) ev.metrics?.openSubscriptions.inc({ subscription: name });
  // An open subscription keeps its connection swept for changes.
  const release = ctx.services.calls?.activity.subscribe(ctx.connectionRef);
  const stream = await openEventStream({
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
      release?.();
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
  return servableOnly(stream, servableNow);
}

/** Whether the call an event is about may still be handed out: not deleted, and not private now unless asked for. */
const callServable =
  (
    ctx: GatewayContext,
    includePrivate: boolean,
    recorded: (e: LoggedEvent) => { callId: string; isPrivate: boolean } | undefined,
  ) =>
  async (e: LoggedEvent) => {
    const d = recorded(e);
    return d !== undefined && servable(d, await standingNow(ctx, d.callId), includePrivate);
  };

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
        const includePrivate = args.includePrivate === true;
        return open(
          ctx,
          'gongCallCreated',
          'call.created',
          args.after,
          (e) => {
            const d = readCallCreated(e.data);
            if (!d) return false;
            if (d.isTest && !args.includeTest) return false;
            if (d.isPrivate && !includePrivate) return false;
            return workspaceId === undefined || d.callData.metaData.workspaceId === workspaceId;
          },
          callServable(ctx, includePrivate, (e) => {
            const d = readCallCreated(e.data);
            return d && { callId: d.callData.metaData.id, isPrivate: d.isPrivate };
          }),
        );
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
            callServable(ctx, args.includePrivate === true, (e) => readTranscriptReady(e.data)),
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
    gongCallChanged: {
      subscribe: (_p, args, ctx) => {
        const includePrivate = args.includePrivate === true;
        return open(
          ctx,
          'gongCallChanged',
          'call.changed',
          args.after,
          (e) => {
            const d = readCallChanged(e.data);
            // A subscriber without private calls still learns that one it may hold became private.
            return d !== undefined && (includePrivate || !d.isPrivate || d.kind === 'MADE_PRIVATE');
          },
          async (e) => {
            const d = readCallChanged(e.data);
            if (!d) return false;
            // What says a call is gone or hidden is always handed out; the rest only while the call may be.
            if (d.kind === 'DELETED' || (d.kind === 'MADE_PRIVATE' && !includePrivate)) return true;
            return servable(d, await standingNow(ctx, d.callId), includePrivate);
          },
        );
      },
      resolve: (
        payload: unknown,
        args: { includePrivate?: boolean | null },
        ctx: GatewayContext,
      ) => {
        const d = isLoggedEvent(payload) ? readCallChanged(payload.data) : undefined;
        if (!isLoggedEvent(payload) || !d) throw corrupt('call.changed');
        ctx.loaders = ctx.freshLoaders();
        const hidden =
          d.kind === 'DELETED' || (d.kind === 'MADE_PRIVATE' && args.includePrivate !== true);
        return {
          eventId: payload.eventId,
          receivedAt: payload.receivedAt,
          kind: d.kind,
          callId: d.callId,
          changedFields: d.changedFields,
          // Sections and links are read now, through the privacy rule like any by-id read.
          call: hidden || !d.metaData ? null : { call: { metaData: d.metaData }, sections: false },
        };
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
