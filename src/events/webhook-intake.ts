/**
 * What a Gong webhook delivery goes through, apart from HTTP (src/http/webhook-route.ts only
 * translates): first the signed JWT against the connection's key, before a byte of the body is
 * read; then, on the bounded body, its `body_sha256`, JSON and Gong's payload shape (a body that
 * fails either is kept as a dead letter), and the append to the event log deduplicated on
 * (isTest, callId), so Gong's redeliveries become one event; a delivery already taken is found
 * before anything it carries is written (the entity cache, the learned calls). Every outcome is a
 * typed value.
 */
import { WebhookPayload, type CallData } from '../gong/wire.js';
import type { Logger } from '../observability/logger.js';
import { inSpan } from '../observability/tracing.js';
import { callCreatedData } from './payloads.js';
import type { DeadLetters } from './dead-letters.js';
import type { EventLog } from './event-log.js';
import {
  verifyWebhookBody,
  verifyWebhookToken,
  type WebhookVerification,
} from './verify-webhook.js';
import { hintsOf, type CallHints } from './transcript-poller.js';
import type { WebhookKeys } from './webhook-keys.js';

export interface WebhookIntakeOptions {
  keys: WebhookKeys;
  /** Whether the connection registry knows a ref (a ref with a webhook key is known anyway). */
  connectionExists(connectionRef: string): Promise<boolean>;
  log: EventLog;
  deadLetters: DeadLetters;
  /** Called after a (possibly duplicate) non-test call.created append; idempotent (the transcript poller's schedule). */
  onCallCreated?: (input: {
    connectionRef: string;
    callId: string;
    isPrivate: boolean;
    started?: string | null | undefined;
    /** What metaData says of the call's length, media and language (the poller gives up early on some). */
    call?: CallHints;
  }) => Promise<void>;
  /** Called with the callData of each accepted non-test delivery (the shared entity cache keeps the sections it carries). */
  onCallData?: (connectionRef: string, callData: CallData) => Promise<void>;
  logger?: Logger | undefined;
  now: () => number;
}

/** The token step: `why` is for the log only; the answer never says whether the ref exists. */
export type TokenCheck =
  { ok: true; token: Extract<WebhookVerification, { ok: true }> } | { ok: false; why: string };

export type BodyOutcome =
  | { kind: 'accepted'; eventId: string; duplicate: boolean }
  | { kind: 'bad-signature'; reason: string; message: string }
  | { kind: 'malformed'; message: string };

export interface WebhookIntake {
  /** Checks the Authorization header's JWT (signature, `exp`, `webhook_url`); reads no body. */
  checkToken(connectionRef: string, authorization: string, calledUrl: string): Promise<TokenCheck>;
  /** Verifies, parses and appends the body of a delivery whose token passed. */
  acceptBody(
    connectionRef: string,
    token: Extract<WebhookVerification, { ok: true }>,
    rawBody: Buffer,
  ): Promise<BodyOutcome>;
}

export function createWebhookIntake(opts: WebhookIntakeOptions): WebhookIntake {
  const scheduleFollowUp = async (
    connectionRef: string,
    data: ReturnType<typeof callCreatedData>,
  ): Promise<void> => {
    if (!data.isTest && opts.onCallCreated)
      await opts.onCallCreated({
        connectionRef,
        callId: data.callData.metaData.id,
        isPrivate: data.isPrivate,
        started: data.callData.metaData.started,
        call: hintsOf(data.callData.metaData),
      });
  };
  const intake: WebhookIntake = {
    async checkToken(connectionRef, authorization, calledUrl) {
      const found = await opts.keys.lookup(connectionRef);
      if (found.state === 'unparsable') {
        // Said as what it is: a key is configured, but it is not a public key (a paste error, not a missing step).
        opts.logger?.warn(
          { connectionRef, problem: found.message },
          'gong webhook public key does not parse: fix it with gongSetWebhookPublicKey or GONG_WEBHOOK_PUBLIC_KEY',
        );
        return { ok: false, why: 'unparsable-key' };
      }
      if (found.state === 'unset') {
        if (await opts.connectionExists(connectionRef))
          opts.logger?.warn(
            { connectionRef },
            'gong webhook for a connection without a public key: set GONG_WEBHOOK_PUBLIC_KEY or gongSetWebhookPublicKey',
          );
        return { ok: false, why: 'unknown-connection' };
      }
      const token = await verifyWebhookToken({
        authorization,
        expectedUrl: calledUrl,
        key: found.key,
        now: opts.now,
      });
      return token.ok ? { ok: true, token } : { ok: false, why: token.reason };
    },

    async acceptBody(connectionRef, token, rawBody) {
      const verdict = verifyWebhookBody(token, rawBody);
      if (!verdict.ok)
        return { kind: 'bad-signature', reason: verdict.reason, message: verdict.message };

      const receivedAt = new Date(opts.now()).toISOString();
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        await opts.deadLetters.add({
          connectionRef,
          reason: 'malformed JSON',
          rawBody,
          receivedAt,
        });
        return { kind: 'malformed', message: 'Webhook body is not valid JSON' };
      }
      const payload = WebhookPayload.safeParse(json);
      if (!payload.success) {
        const where = payload.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        await opts.deadLetters.add({
          connectionRef,
          reason: `outside Gong's webhook payload shape: ${where}`,
          rawBody,
          receivedAt,
        });
        return {
          kind: 'malformed',
          message: `Webhook body is not Gong's {callData, isTest, isPrivate} payload: ${where}`,
        };
      }

      const data = callCreatedData(payload.data);
      const dedupeKey = `${data.isTest}:${data.callData.metaData.id}`;
      // A delivery already taken (Gong's retry, or a captured one replayed) writes nothing: its
      // callData could otherwise overwrite what the gateway learned since (a call made private).
      const already = await opts.log.seen({ topic: 'call.created', connectionRef, dedupeKey });
      if (already !== undefined) {
        // Only the idempotent follow-up runs again (a first attempt may have stopped before it).
        await scheduleFollowUp(connectionRef, data);
        return { kind: 'accepted', eventId: already, duplicate: true };
      }
      // Cached before the event is published, so a subscriber that needs more of the call fetches only what is missing.
      if (!data.isTest && opts.onCallData) {
        // The payload's top-level isPrivate is Gong's word even where metaData leaves it out.
        const metaData = {
          ...data.callData.metaData,
          isPrivate: data.callData.metaData.isPrivate ?? data.isPrivate,
        };
        await opts
          .onCallData(connectionRef, { ...data.callData, metaData })
          .catch((err: unknown) =>
            opts.logger?.warn(
              { connectionRef, err: err instanceof Error ? err.message : String(err) },
              'could not cache a webhook call',
            ),
          );
      }
      const { eventId, duplicate } = await opts.log.append({
        topic: 'call.created',
        connectionRef,
        dedupeKey,
        data,
        receivedAt,
      });
      await scheduleFollowUp(connectionRef, data);
      return { kind: 'accepted', eventId, duplicate };
    },
  };
  return {
    ...intake,
    acceptBody: (connectionRef, token, rawBody) =>
      inSpan('gong webhook intake', { 'gong.connection': connectionRef }, async (span) => {
        const outcome = await intake.acceptBody(connectionRef, token, rawBody);
        span.setAttribute('gong.webhook.outcome', outcome.kind);
        return outcome;
      }),
  };
}
