/**
 * The per-connection transport: the only code that sends requests to Gong. For each request it
 * checks the connection and the endpoint's scope (without spending budget), coalesces identical
 * idempotent requests, waits for the connection's scheduler, injects Authorization, and retries
 * within a per-request deadline:
 * - 429: pauses the whole connection for Retry-After and retries (a 429 was not processed, so
 *   this is safe even for writes);
 * - 5xx, timeouts, resets, malformed JSON: backoff with jitter, idempotent requests only;
 * - 401: one forced credential refresh, then one more attempt; except Gong's 401 for a missing
 *   scope (docs/gong-contract.md), which no refresh can fix (and refresh tokens are single-use).
 * A circuit breaker stops sending while Gong keeps failing.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { Readable } from 'node:stream';
import { ErrorCode, GatewayError, forbidden, notFound } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { attemptSpan, requestSpan, type AttemptSummary } from '../observability/upstream-spans.js';
import type { Breaker } from '../scheduler/breaker.js';
import { backoffMs, type RetryPolicy } from '../scheduler/retry.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { currentOperation } from '../scheduler/operation-scope.js';
import { createCoalescer, requestKey } from './reads/coalesce.js';
import { parseRetryAfter, schemaMismatch } from './errors.js';
import { nextStep, type AttemptFacts } from './next-step.js';
import {
  attemptJson,
  attemptRaw,
  type Answer,
  type AttemptInit,
  type Outcome,
  type RawAnswer,
} from './attempt.js';
import type {
  BodyAtDispatch,
  GongConnection,
  GongCredentials,
  GongRequest,
  GongResponse,
  GongTransport,
  Priority,
} from './types.js';
import { asError } from '../util/promised.js';

export interface TransportOptions {
  connectionRef: string;
  /** Looked up on every request (cheap: the registry caches) for baseUrl, scopes, status and credentials. */
  registry: GongCredentials;
  scheduler: Scheduler;
  breaker: Breaker;
  retry: RetryPolicy;
  /** Time one request may take once it has left the queue, retries included (GONG_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  metrics?: Metrics;
  logger?: Logger;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  now?: () => number;
}

const unavailable = (retryAfterMs: number) =>
  new GatewayError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    'Gong is failing for this connection; requests are paused while the circuit breaker is open',
    {
      retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    },
  );

const rateLimited = (what: string, retryAfterMs: number, requestId: string | undefined) =>
  new GatewayError(
    ErrorCode.UPSTREAM_RATE_LIMITED,
    `Gong's rate limit refused ${what} and the request's deadline does not allow waiting`,
    {
      retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      requestId,
    },
  );

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(asError(signal.reason));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(asError(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function urlOf(baseUrl: string, req: Pick<GongRequest, 'path' | 'query'>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) qs.append(k, v);
  const q = qs.toString();
  return `${baseUrl.replace(/\/+$/, '')}${req.path}${q ? `?${q}` : ''}`;
}

/** Checks that the connection can be used for `req`; no upstream request is spent on a refusal. */
export async function connectionFor(
  registry: GongCredentials,
  ref: string,
  scope: string | undefined,
  what: string,
): Promise<GongConnection> {
  const conn = await registry.get(ref);
  if (!conn)
    throw notFound(`No Gong connection with ref ${JSON.stringify(ref)}`, { connectionRef: ref });
  if (conn.status !== 'ACTIVE')
    throw new GatewayError(
      ErrorCode.RECONNECT_REQUIRED,
      `The Gong connection ${JSON.stringify(ref)} is ${conn.status} and must be connected again`,
      { connectionRef: ref },
    );
  if (scope !== undefined && conn.scopes !== null && !conn.scopes.includes(scope))
    throw forbidden(
      `The Gong connection ${JSON.stringify(ref)} was not granted the scope ${scope}, which ${what} needs`,
      { scope, connectionRef: ref },
    );
  return conn;
}

/**
 * A request whose body and answer pass through untouched (the proxy, media uploads). Retries
 * happen only before the first byte of the answer, and never once a streamed body was sent.
 */
export interface RawGongRequest {
  method: GongRequest['method'];
  path: string;
  query?: Record<string, string | undefined>;
  /** Headers to forward (never Authorization: the transport sets it). */
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
  endpoint: string;
  priority?: Priority;
  idempotent?: boolean;
  scope?: string;
  signal?: AbortSignal;
}

/** The transport of one connection: JSON requests (GongTransport) plus raw, streamed ones. */
export interface ConnectionTransport extends GongTransport {
  requestRaw(req: RawGongRequest): Promise<RawAnswer>;
}

/** What the retry loop sends: a raw request, whose body may be built when it leaves the queue. */
type LoopRequest = RawGongRequest & { bodyAtDispatch?: BodyAtDispatch<string> };

export function createTransport(opts: TransportOptions): ConnectionTransport {
  const ref = opts.connectionRef;
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const coalescer = createCoalescer();
  const maxRetries = opts.retry.maxRetries;

  /** One request to Gong, traced as a span over its budget wait and attempts. */
  function run<A extends Answer>(
    req: LoopRequest,
    conn: GongConnection,
    send: (url: string, init: AttemptInit) => Promise<Outcome<A>>,
    replayable: boolean,
  ): Promise<A> {
    return requestSpan({ connection: ref, method: req.method, endpoint: req.endpoint }, () =>
      loop(req, conn, send, replayable),
    );
  }

  /**
   * The retry loop shared by JSON and raw requests. `send` makes one attempt; `replayable` says
   * whether the body can be sent again (a stream cannot: no retry once it has been sent).
   */
  async function loop<A extends Answer>(
    req: LoopRequest,
    conn: GongConnection,
    send: (url: string, init: AttemptInit) => Promise<Outcome<A>>,
    replayable: boolean,
  ): Promise<A> {
    const what = `${req.method} ${req.path}`;
    const priority = req.priority ?? 'interactive';
    const retriable = replayable && (req.idempotent ?? req.method === 'GET');
    const deadline = now() + opts.scheduler.queueTimeoutMs(priority) + opts.requestTimeoutMs;
    const url = urlOf(conn.baseUrl, req);
    const log = { connection: ref, endpoint: req.endpoint };
    let retries = 0;
    let attempts = 0;
    let refreshed = false;
    let forceRefresh = false;
    let body = req.body;
    let bodyAtDispatch = req.bodyAtDispatch;

    for (;;) {
      const permit = opts.breaker.permit();
      if (!permit.ok) throw unavailable(permit.retryAfterMs);
      let outcome: Outcome<A>;
      try {
        const authorization = await opts.registry.authorization(
          ref,
          forceRefresh ? { forceRefresh: true } : undefined,
        );
        forceRefresh = false;
        const slot = await opts.scheduler.acquire({ priority, deadline, signal: req.signal });
        const started = now();
        try {
          // BodyAtDispatch's contract: once, on the first slot; retries resend what it built.
          if (bodyAtDispatch) {
            body = bodyAtDispatch();
            bodyAtDispatch = undefined;
          }
          outcome = await attemptSpan(
            { method: req.method, url, endpoint: req.endpoint, resends: attempts++ },
            (traceHeaders) =>
              send(url, {
                method: req.method,
                headers: { ...withoutAuthorization(req.headers), ...traceHeaders, authorization },
                body,
                timeoutMs: Math.min(opts.requestTimeoutMs, deadline - started),
                signal: req.signal,
              }),
            attemptSummary,
          );
        } finally {
          void slot.settle();
        }
        opts.metrics?.upstreamLatency.observe({ endpoint: req.endpoint }, (now() - started) / 1000);
      } catch (err) {
        opts.breaker.release(permit.probe);
        throw err;
      }

      const answer = outcome.kind === 'answer' ? outcome : undefined;
      const retryAfterSeconds = answer
        ? parseRetryAfter(answer.res.headers['retry-after'], now())
        : undefined;
      const facts: AttemptFacts =
        outcome.kind === 'answer'
          ? {
              kind: 'answer',
              status: outcome.res.status,
              malformed: outcome.malformed,
              missingScope: outcome.missingScope !== undefined,
              retryAfterMs: retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000,
            }
          : { kind: outcome.kind };
      const step = nextStep(facts, {
        retries,
        maxRetries,
        refreshed,
        retriable,
        replayable,
        msLeft: deadline - now(),
        backoffMs: (n, after) => backoffMs(opts.retry, n, after),
      });

      if (step.breaker === 'release') opts.breaker.release(permit.probe);
      else if (step.breaker === 'failure') opts.breaker.failure();
      else opts.breaker.success();
      observe(outcome, log, retries);
      if (step.action === 'answer') {
        if (retries > 0 && 'body' in answer!.res) (answer!.res as GongResponse).resent = true;
        return answer!.res;
      }
      // A body that is not handed back is freed before waiting (a retry, or Gong's 429).
      await answer?.discard();
      if (step.pauseMs !== undefined) await opts.scheduler.pause(step.pauseMs);

      if (step.action === 'retry') {
        if (step.refresh) {
          refreshed = true;
          forceRefresh = true;
        } else {
          retries += 1;
          await sleep(step.waitMs, req.signal);
        }
        continue;
      }
      if (outcome.kind === 'aborted') throw outcome.reason;
      if (outcome.kind === 'local') throw clientFault(what, outcome.error);
      if (outcome.kind === 'network')
        throw new GatewayError(
          ErrorCode.UPSTREAM_ERROR,
          `${what} to Gong failed after ${retries + 1} attempt(s): ${outcome.what === 'timeout' ? 'timed out, ' : 'connection failed, '}${outcome.message}`,
        );
      if (step.failure === 'rate-limited')
        throw rateLimited(what, step.pauseMs ?? 1_000, answer?.res.requestId);
      throw schemaMismatch(what, answer?.res.requestId);
    }
  }

  /** Metrics and logs of one attempt (the decision is nextStep's). */
  function observe<A extends Answer>(
    outcome: Outcome<A>,
    log: { connection: string; endpoint: string },
    retries: number,
  ): void {
    if (outcome.kind === 'network') {
      opts.metrics?.upstreamRequests.inc({ ...log, status: outcome.what });
      opts.logger?.warn(
        { ...log, attempt: retries + 1, error: outcome.message },
        `Gong request ${outcome.what}`,
      );
    }
    if (outcome.kind !== 'answer') return;
    const { res } = outcome;
    opts.metrics?.upstreamRequests.inc({ ...log, status: String(res.status) });
    opts.logger?.debug(
      { ...log, status: res.status, gongRequestId: res.requestId, attempt: retries + 1 },
      'Gong answered',
    );
    if (res.status === 401 && outcome.missingScope !== undefined)
      opts.logger?.warn(
        { ...log, gongRequestId: res.requestId, scope: outcome.missingScope },
        "Gong refused a scope the connection's OAuth app lacks",
      );
    else if (res.status === 429) {
      opts.metrics?.upstreamRateLimited.inc({ connection: ref });
      opts.logger?.warn(
        {
          ...log,
          gongRequestId: res.requestId,
          retryAfterMs: (parseRetryAfter(res.headers['retry-after'], now()) ?? 1) * 1000,
        },
        'Gong rate limit hit (429); pausing the connection',
      );
    } else if (res.status >= 500)
      opts.logger?.warn(
        { ...log, status: res.status, gongRequestId: res.requestId, attempt: retries + 1 },
        'Gong server error',
      );
    else if (outcome.malformed && res.status < 300)
      opts.logger?.warn(
        { ...log, status: res.status, gongRequestId: res.requestId },
        'Gong answered with a body that is not JSON',
      );
  }

  return {
    connectionRef: ref,

    async check(scope, what) {
      await connectionFor(opts.registry, ref, scope, what);
    },

    async request(req) {
      const what = `${req.method} ${req.path}`;
      const conn = await connectionFor(opts.registry, ref, req.scope, what);
      const headers: Record<string, string> = { accept: 'application/json' };
      const { bodyAtDispatch } = req;
      if (req.body !== undefined || bodyAtDispatch) headers['content-type'] = 'application/json';
      const loopReq: LoopRequest = {
        ...req,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        bodyAtDispatch: bodyAtDispatch && (() => JSON.stringify(bodyAtDispatch())),
      };
      // The operation the request is for: its budget pays, and its client's leaving drops it.
      const op = currentOperation();
      const signal = req.signal ?? op?.signal;
      const go = (s: AbortSignal | undefined) => {
        op?.budget?.spend(what);
        return run(
          { ...loopReq, signal: s },
          conn,
          (url, init) => attemptJson(doFetch, url, init),
          true,
        );
      };
      // A body still to be built cannot be compared with another request's: never coalesced.
      if (!(req.idempotent ?? req.method === 'GET') || bodyAtDispatch) return go(signal);
      // Shared by identical callers: it is dropped only once every one of them went away.
      const shared = coalescer.run(requestKey(req), signal, go);
      return signal ? raceAbort(shared, signal) : shared;
    },

    async requestRaw(req) {
      const what = `${req.method} ${req.path}`;
      // Refused before the budget is touched: these would fail (or be smuggled) on the wire.
      assertSendable(req);
      const conn = await connectionFor(opts.registry, ref, req.scope, what);
      const replayable =
        req.body === undefined || typeof req.body === 'string' || Buffer.isBuffer(req.body);
      const op = currentOperation();
      op?.budget?.spend(what);
      return run(
        { ...req, signal: req.signal ?? op?.signal },
        conn,
        (url, init) => attemptRaw(doFetch, url, init),
        replayable,
      );
    },
  };
}

/** What a span records of an attempt: Gong's status, or the kind of failure. */
function attemptSummary(outcome: Outcome<Answer>): AttemptSummary {
  if (outcome.kind === 'answer') return { status: outcome.res.status };
  return { error: outcome.kind === 'network' ? outcome.what : outcome.kind };
}

/** A client-caused failure as the 4xx it is (a GatewayError from the client's body stays itself). */
function clientFault(what: string, cause: unknown): GatewayError {
  if (cause instanceof GatewayError) return cause;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new GatewayError(
    ErrorCode.BAD_USER_INPUT,
    `${what} could not be sent to Gong: ${why}`,
    {},
    { cause },
  );
}

/** A raw request that cannot go on the wire as given is the client's error, found before any budget is spent. */
function assertSendable(req: RawGongRequest): void {
  if (req.body !== undefined && BODYLESS.has(req.method))
    throw new GatewayError(
      ErrorCode.BAD_USER_INPUT,
      `A ${req.method} request to Gong must not carry a body`,
      { field: 'body' },
    );
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    try {
      validateHeaderName(k);
      validateHeaderValue(k, v);
    } catch {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `The header ${JSON.stringify(k.slice(0, 64))} cannot be forwarded to Gong`,
        { field: 'headers' },
      );
    }
  }
}

const BODYLESS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);

/** Callers never choose the credentials: any Authorization they pass is dropped. */
function withoutAuthorization(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {}))
    if (k.toLowerCase() !== 'authorization') out[k] = v;
  return out;
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(asError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(asError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
