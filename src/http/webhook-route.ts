/**
 * `POST /webhooks/gong/{connectionRef}`: the URL a customer pastes into a Gong automation rule.
 * Order of checks (each answer is JSON): unknown connection 404 → body over the cap 413 (before
 * any parsing) → Gong's signed JWT 401 → JSON and Gong's documented payload shape 400 (kept as a
 * dead letter) → append to the event log → 202 (or 200 `duplicate: true` for a redelivery).
 * 2xx only after the append resolved, so Gong's retries cover any failure of ours.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError, httpErrorBody, httpStatusOf, notFound } from '../errors.js';
import type { DeadLetters } from '../events/dead-letters.js';
import type { EventLog } from '../events/event-log.js';
import type { WebhookKeys } from '../events/webhook-keys.js';
import { verifyWebhook } from '../events/verify-webhook.js';
import { WebhookPayload } from '../gong/wire.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { callCreatedData } from '../events/call-created.js';
import type { Route } from './router.js';

export const WEBHOOK_PATH_PREFIX = '/webhooks/gong/';

export interface WebhookRouteOptions {
  /** PUBLIC_URL: the origin (and any path prefix) Gong calls; `webhook_url` must equal it + path. */
  publicUrl: string;
  /** WEBHOOK_MAX_BYTES. */
  maxBytes: number;
  keys: WebhookKeys;
  /** Whether the connection registry knows a ref (a ref with a webhook key is known anyway). */
  connectionExists(connectionRef: string): Promise<boolean>;
  log: EventLog;
  deadLetters: DeadLetters;
  /** Called after a (possibly duplicate) non-test call.created append; idempotent (the transcript poller's schedule). */
  onCallCreated?: (input: { connectionRef: string; callId: string; isPrivate: boolean; started?: string | null | undefined }) => Promise<void>;
  metrics?: Metrics;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
}

export type WebhookOutcome = 'accepted' | 'duplicate' | 'unknown_connection' | 'too_large' | 'unauthorized' | 'malformed' | 'method_not_allowed' | 'error';

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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

type BodyRead = { ok: true; body: Buffer } | { ok: false; tooLarge: true };

/** Reads the raw body, refusing as soon as it exceeds `max` bytes (Content-Length first). */
function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve({ ok: false, tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        done = true;
        req.off('data', onData);
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!done) resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.once('error', (e) => {
      if (!done) reject(e);
    });
  });
}

export function createWebhookRoute(opts: WebhookRouteOptions) {
  const now = opts.now ?? Date.now;
  const count = (outcome: WebhookOutcome) => opts.metrics?.webhooksReceived.inc({ outcome });
  const fail = (res: ServerResponse, outcome: WebhookOutcome, e: GatewayError, status = httpStatusOf[e.code], headers: Record<string, string> = {}) => {
    count(outcome);
    if (outcome !== 'accepted') opts.logger?.info({ outcome, code: e.code, reason: e.message }, 'gong webhook refused');
    send(res, status, httpErrorBody(e), headers);
  };

  /** Handles one request whose path matched (`connectionRef` from matchWebhookPath). Never throws. */
  return async function handleWebhook(req: IncomingMessage, res: ServerResponse, connectionRef: string): Promise<void> {
    try {
      if (req.method !== 'POST') {
        return fail(res, 'method_not_allowed', new GatewayError(ErrorCode.BAD_USER_INPUT, `Gong webhooks are POSTed; got ${req.method ?? '?'}`), 405, { allow: 'POST' });
      }
      const known = (await opts.keys.has(connectionRef)) || (await opts.connectionExists(connectionRef));
      if (!known) return fail(res, 'unknown_connection', new GatewayError(ErrorCode.NOT_FOUND, `No connection '${connectionRef}' to receive Gong webhooks for`));

      const read = await readBody(req, opts.maxBytes);
      if (!read.ok) {
        // Drain what is still coming so the client reads our answer, then close the connection.
        req.resume();
        return fail(res, 'too_large', new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE, `Webhook body exceeds ${opts.maxBytes} bytes (WEBHOOK_MAX_BYTES)`), 413, { connection: 'close' });
      }
      const rawBody = read.body;

      const key = await opts.keys.get(connectionRef);
      if (!key) {
        return fail(res, 'unauthorized', new GatewayError(ErrorCode.UNAUTHENTICATED, `No Gong webhook public key is set for connection '${connectionRef}' (GONG_WEBHOOK_PUBLIC_KEY or gongSetWebhookPublicKey)`));
      }
      const url = new URL(req.url ?? '/', 'http://x');
      const verdict = await verifyWebhook({ authorization: req.headers.authorization, rawBody, expectedUrl: `${opts.publicUrl}${url.pathname}${url.search}`, key, now });
      if (!verdict.ok) return fail(res, 'unauthorized', new GatewayError(ErrorCode.UNAUTHENTICATED, `Webhook signature refused: ${verdict.message}`, { reason: verdict.reason }));

      const receivedAt = new Date(now()).toISOString();
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        await opts.deadLetters.add({ connectionRef, reason: 'malformed JSON', rawBody, receivedAt });
        return fail(res, 'malformed', new GatewayError(ErrorCode.BAD_USER_INPUT, 'Webhook body is not valid JSON'));
      }
      const payload = WebhookPayload.safeParse(json);
      if (!payload.success) {
        const where = payload.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        await opts.deadLetters.add({ connectionRef, reason: `outside Gong's webhook payload shape: ${where}`, rawBody, receivedAt });
        return fail(res, 'malformed', new GatewayError(ErrorCode.BAD_USER_INPUT, `Webhook body is not Gong's {callData, isTest, isPrivate} payload: ${where}`));
      }

      const data = callCreatedData(payload.data);
      const { eventId, duplicate } = await opts.log.append({
        topic: 'call.created',
        connectionRef,
        dedupeKey: `${data.isTest}:${data.callData.metaData.id}`,
        data,
        receivedAt,
      });
      if (!data.isTest && opts.onCallCreated) await opts.onCallCreated({ connectionRef, callId: data.callData.metaData.id, isPrivate: data.isPrivate, started: data.callData.metaData.started });
      count(duplicate ? 'duplicate' : 'accepted');
      send(res, duplicate ? 200 : 202, { accepted: true, eventId, duplicate });
    } catch (err) {
      opts.logger?.error({ err: err instanceof Error ? err.message : String(err), connectionRef }, 'gong webhook failed');
      if (!res.headersSent) fail(res, 'error', new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'The webhook could not be stored; Gong will retry'));
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
      if (ref === undefined) throw notFound(`No route for ${url.pathname}: webhooks go to ${WEBHOOK_PATH_PREFIX}<connectionRef>`, { path: url.pathname });
      await handler(req, res, ref);
    },
  };
}
