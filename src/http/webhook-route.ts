/**
 * `POST /webhooks/gong/{connectionRef}`: the URL a customer pastes into a Gong automation rule.
 * The checks live in src/events/webhook-intake.ts; this route translates them to HTTP, in an
 * order that buffers nothing for a stranger: the signed JWT 401 before a byte of the body is read
 * (an unknown connection gets the same 401 as a bad signature, so refs cannot be probed) → a free
 * body slot or 503 → the body within its size (413), idle and total time (408) → `body_sha256`
 * 401 → JSON and Gong's payload shape 400 (kept as a dead letter) → 202 (or 200 `duplicate: true`
 * for a redelivery). 2xx only after the append resolved, so Gong's retries cover any failure of ours.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError, httpErrorBody, httpStatusOf, notFound } from '../errors.js';
import type { WebhookIntake } from '../events/webhook-intake.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { readBoundedBody } from './bounded-body.js';
import type { Route } from './router.js';

export const WEBHOOK_PATH_PREFIX = '/webhooks/gong/';

export interface WebhookRouteOptions {
  /** PUBLIC_URL: the origin (and any path prefix) Gong calls; `webhook_url` must equal it + path. */
  publicUrl: string;
  /** WEBHOOK_MAX_BYTES. */
  maxBytes: number;
  /** Longest silence while the body arrives (WEBHOOK_BODY_IDLE_MS). @default 10_000 */
  bodyIdleMs?: number;
  /** Longest time for the whole body (WEBHOOK_BODY_DEADLINE_MS). @default 60_000 */
  bodyDeadlineMs?: number;
  /** Bodies read at once; more get 503 (WEBHOOK_MAX_CONCURRENT). @default 64 */
  maxConcurrent?: number;
  intake: WebhookIntake;
  metrics?: Metrics;
  logger?: Logger;
}

export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'too_large'
  | 'timeout'
  | 'aborted'
  | 'busy'
  | 'unauthorized'
  | 'malformed'
  | 'method_not_allowed'
  | 'error';

/** The connectionRef of a webhook path, or undefined when the path is not one. */
export function matchWebhookPath(pathname: string): string | undefined {
  if (!pathname.startsWith(WEBHOOK_PATH_PREFIX)) return undefined;
  const rest = pathname.slice(WEBHOOK_PATH_PREFIX.length).replace(/\/+$/, '');
  if (rest.length === 0 || rest.includes('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** What an unknown ref, a ref without a key and a bad signature all answer: refs cannot be probed. */
const NO_KEY = {
  reason: 'bad-signature',
  message: "Authorization is not an RS256 JWT signed by this connection's Gong webhook key",
} as const;

const MISSING = {
  reason: 'missing-signature',
  message: "the Authorization header with Gong's signed JWT is missing",
} as const;

function unauthorized(shown: { reason: string; message: string }): GatewayError {
  return new GatewayError(
    ErrorCode.UNAUTHENTICATED,
    `Webhook signature refused: ${shown.message}`,
    { reason: shown.reason },
  );
}

export function createWebhookRoute(opts: WebhookRouteOptions) {
  const count = (outcome: WebhookOutcome) => opts.metrics?.webhooksReceived.inc({ outcome });
  const fail = (
    res: ServerResponse,
    outcome: WebhookOutcome,
    e: GatewayError,
    status = httpStatusOf[e.code],
    headers: Record<string, string> = {},
  ) => {
    count(outcome);
    if (outcome !== 'accepted')
      opts.logger?.info({ outcome, code: e.code, reason: e.message }, 'gong webhook refused');
    send(res, status, httpErrorBody(e), headers);
  };

  let reading = 0;
  const maxConcurrent = opts.maxConcurrent ?? 64;
  /** The answer hides why (the log keeps it): an unknown ref looks like a bad signature. */
  const refuse = (res: ServerResponse, e: GatewayError, why: string) => {
    opts.logger?.info({ why }, 'gong webhook signature refused');
    // An unread body must not be parsed as the next request on this connection.
    res.setHeader('connection', 'close');
    fail(res, 'unauthorized', e);
  };

  /** Handles one request whose path matched (`connectionRef` from matchWebhookPath). Never throws. */
  return async function handleWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    connectionRef: string,
  ): Promise<void> {
    try {
      if (req.method !== 'POST') {
        return fail(
          res,
          'method_not_allowed',
          new GatewayError(
            ErrorCode.BAD_USER_INPUT,
            `Gong webhooks are POSTed; got ${req.method ?? '?'}`,
          ),
          405,
          { allow: 'POST' },
        );
      }
      // Nothing is read until the token verifies: a stranger costs one JWT check, never a buffer.
      const authorization = req.headers.authorization;
      if (authorization === undefined || authorization.trim() === '')
        return refuse(res, unauthorized(MISSING), 'missing-signature');
      const url = new URL(req.url ?? '/', 'http://x');
      const checked = await opts.intake.checkToken(
        connectionRef,
        authorization,
        `${opts.publicUrl}${url.pathname}${url.search}`,
      );
      if (!checked.ok) return refuse(res, unauthorized(NO_KEY), checked.why);

      if (reading >= maxConcurrent) {
        res.setHeader('connection', 'close');
        return fail(
          res,
          'busy',
          new GatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            'Too many webhook bodies are being received; retry shortly',
            { retryAfter: 1 },
          ),
          503,
          { 'retry-after': '1' },
        );
      }
      opts.metrics?.webhookBodiesReading.set((reading += 1));
      let read: Awaited<ReturnType<typeof readBoundedBody>>;
      try {
        read = await readBoundedBody(req, {
          maxBytes: opts.maxBytes,
          idleMs: opts.bodyIdleMs ?? 10_000,
          totalMs: opts.bodyDeadlineMs ?? 60_000,
        });
      } finally {
        opts.metrics?.webhookBodiesReading.set((reading -= 1));
      }
      if (!read.ok) {
        // The rest of the body is not read: the connection closes after the answer.
        res.setHeader('connection', 'close');
        if (read.reason === 'aborted') {
          count('aborted');
          opts.logger?.info({ connectionRef }, 'gong webhook body aborted by the sender');
          return;
        }
        if (read.reason === 'timeout')
          return fail(
            res,
            'timeout',
            new GatewayError(ErrorCode.BAD_USER_INPUT, 'The webhook body arrived too slowly'),
            408,
          );
        return fail(
          res,
          'too_large',
          new GatewayError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            `Webhook body exceeds ${opts.maxBytes} bytes (WEBHOOK_MAX_BYTES)`,
          ),
          413,
        );
      }
      const outcome = await opts.intake.acceptBody(connectionRef, checked.token, read.body);
      if (outcome.kind === 'bad-signature')
        return refuse(res, unauthorized(outcome), outcome.reason);
      if (outcome.kind === 'malformed')
        return fail(res, 'malformed', new GatewayError(ErrorCode.BAD_USER_INPUT, outcome.message));
      count(outcome.duplicate ? 'duplicate' : 'accepted');
      send(res, outcome.duplicate ? 200 : 202, {
        accepted: true,
        eventId: outcome.eventId,
        duplicate: outcome.duplicate,
      });
    } catch (err) {
      opts.logger?.error(
        { err: err instanceof Error ? err.message : String(err), connectionRef },
        'gong webhook failed',
      );
      if (!res.headersSent)
        fail(
          res,
          'error',
          new GatewayError(
            ErrorCode.INTERNAL_SERVER_ERROR,
            'The webhook could not be stored; Gong will retry',
          ),
        );
    }
  };
}

export type WebhookHandler = ReturnType<typeof createWebhookRoute>;

/** The route-table entry (`/webhooks/gong/{connectionRef}`); other methods get the router's 405. */
export function webhookRoute(handler: WebhookHandler): Route {
  return {
    prefix: WEBHOOK_PATH_PREFIX,
    methods: ['POST'],
    handle: async ({ req, res, url }) => {
      const ref = matchWebhookPath(url.pathname);
      if (ref === undefined)
        throw notFound(
          `No route for ${url.pathname}: webhooks go to ${WEBHOOK_PATH_PREFIX}<connectionRef>`,
          { path: url.pathname },
        );
      await handler(req, res, ref);
    },
  };
}
