/**
 * The per-connection factory: one limiter, scheduler, breaker, transport and client per
 * connection ref. They are built only once the registry knows the ref and it is ACTIVE (an unknown
 * ref allocates nothing), and freed when the connection is idle for `idleEvictMs` or is found
 * disconnected. With a Redis client the rate window, daily budget and 429 pause are shared by
 * every instance; without, in process (an in-process limiter outlives idle eviction, so the day's
 * budget is not forgotten).
 */
import type { Redis } from '../store/redis.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createBreaker, type Breaker } from '../scheduler/breaker.js';
import { createMemoryLimiter, type RateLimiter } from '../scheduler/limiter.js';
import { createRedisLimiter } from '../scheduler/redis-limiter.js';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { createGongClient } from './client.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { connectionFor, createTransport, type ConnectionTransport } from './transport.js';
import type { GongClient, GongCredentials } from './types.js';
import type { CallObserver } from './call-observer.js';
import { promised } from '../util/promised.js';

/** The connection-independent limits, from config (see `limitsFromConfig`). */
export interface GongLimits {
  perSecond: number;
  perDay: number;
  queueMax: number;
  queueTimeoutMs: number;
  requestTimeoutMs: number;
  maxRetries: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  /** Added to the 1 s window (timing noise; see LimitOptions in ../scheduler/limiter.ts). @default 25 */
  safetyMarginMs?: number;
  /** Longest a request may take to reach Gong after its start; counts against the window until answered. @default 1000 */
  arrivalSlackMs?: number;
  /** Background work waits this many times longer than interactive work. @default 10 */
  backgroundTimeoutFactor?: number;
  /** First retry backoff. @default 200 */
  retryBaseMs?: number;
  /** Longest retry backoff. @default 8000 */
  retryMaxMs?: number;
}

export function limitsFromConfig(c: Config): GongLimits {
  return {
    perSecond: c.GONG_RATE_PER_SECOND,
    perDay: c.GONG_DAILY_BUDGET,
    queueMax: c.GONG_QUEUE_MAX,
    queueTimeoutMs: c.GONG_QUEUE_TIMEOUT_MS,
    requestTimeoutMs: c.GONG_REQUEST_TIMEOUT_MS,
    maxRetries: c.GONG_MAX_RETRIES,
    breakerThreshold: c.GONG_BREAKER_THRESHOLD,
    breakerCooldownMs: c.GONG_BREAKER_COOLDOWN_MS,
  };
}

export interface GongClientsDeps {
  registry: GongCredentials;
  /** Shares the budget and the 429 pause between instances. */
  redis?: Redis;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  limits: GongLimits;
  /** Per-connection rate and budget (Gong support can change a company's limits). */
  perConnection?: Record<string, { perSecond?: number; perDay?: number }>;
  /** Wraps each connection's limiter (tests hold its rate slots instead of waiting on a slow rate). */
  wrapLimiter?: (limiter: RateLimiter, connectionRef: string) => RateLimiter;
  metrics: Metrics;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** Told of every call and transcript record any connection's client receives. */
  observer?: CallObserver;
  /** A connection unused this long has its scheduler, breaker and transport freed. @default 600_000 */
  idleEvictMs?: number;
}

export interface GongClients {
  client(ref: string): GongClient;
  /** The connection's transport, with `requestRaw` for the proxy and media uploads. */
  transport(ref: string): ConnectionTransport;
  /** Scheduler state of a connection, for health endpoints and tests. */
  stats(ref: string): { queueDepth: number; breaker: ReturnType<Breaker['state']> };
  /** Refs whose scheduler, breaker and transport are currently allocated. */
  live(): string[];
  /** Fails every queued request and forgets every connection. */
  close(): Promise<void>;
}

interface PerConnection {
  transport: ConnectionTransport;
  scheduler: Scheduler;
  breaker: Breaker;
  inFlight: number;
  lastUsed: number;
}

/** Facades kept for reuse; each holds only closures, so the bound is about garbage, not state. */
const FACADES_MAX = 1_000;

export function createGongClients(deps: GongClientsDeps): GongClients {
  const made = new Map<string, PerConnection>();
  const memoryLimiters = new Map<string, RateLimiter>();
  const now = deps.now ?? Date.now;
  const idleEvictMs = deps.idleEvictMs ?? 600_000;
  const { limits } = deps;

  function build(ref: string): PerConnection {
    const own = deps.perConnection?.[ref] ?? {};
    const rate = {
      perSecond: own.perSecond ?? limits.perSecond,
      perDay: own.perDay ?? limits.perDay,
      safetyMarginMs: limits.safetyMarginMs,
      arrivalSlackMs: limits.arrivalSlackMs,
    };
    const logger = deps.logger.child({ connection: ref });
    let limiter: RateLimiter | undefined = deps.redis
      ? createRedisLimiter({
          ...rate,
          redis: deps.redis,
          keyPrefix: deps.keyPrefix,
          connectionRef: ref,
          logger,
          now: deps.now,
        })
      : memoryLimiters.get(ref);
    if (!limiter) {
      limiter = createMemoryLimiter({ ...rate, now: deps.now });
      memoryLimiters.set(ref, limiter);
    }
    const scheduler = createScheduler({
      connectionRef: ref,
      limiter: deps.wrapLimiter ? deps.wrapLimiter(limiter, ref) : limiter,
      queueMax: limits.queueMax,
      queueTimeoutMs: limits.queueTimeoutMs,
      backgroundTimeoutFactor: limits.backgroundTimeoutFactor,
      metrics: deps.metrics,
      now: deps.now,
    });
    const breaker = createBreaker({
      threshold: limits.breakerThreshold,
      cooldownMs: limits.breakerCooldownMs,
      now: deps.now,
    });
    const transport = createTransport({
      connectionRef: ref,
      registry: deps.registry,
      scheduler,
      breaker,
      retry: {
        maxRetries: limits.maxRetries,
        baseMs: limits.retryBaseMs,
        maxMs: limits.retryMaxMs,
      },
      requestTimeoutMs: limits.requestTimeoutMs,
      metrics: deps.metrics,
      logger,
      fetch: deps.fetch,
      now: deps.now,
    });
    return { transport, scheduler, breaker, inFlight: 0, lastUsed: now() };
  }

  const evict = (ref: string, disconnected: boolean) => {
    made.get(ref)?.scheduler.close();
    made.delete(ref);
    if (disconnected) memoryLimiters.delete(ref);
  };

  /** Runs `fn` with the connection's objects, built only after the registry vouched for the ref. */
  async function use<T>(
    ref: string,
    what: string,
    fn: (pc: PerConnection) => Promise<T>,
  ): Promise<T> {
    if (!made.has(ref)) {
      try {
        await connectionFor(deps.registry, ref, undefined, what);
      } catch (e) {
        evict(ref, true);
        throw e;
      }
    }
    let pc = made.get(ref);
    if (!pc) made.set(ref, (pc = build(ref)));
    pc.inFlight += 1;
    try {
      return await fn(pc);
    } catch (e) {
      // A connection found gone (disconnected, reconnect needed) frees its objects at once.
      if (
        e instanceof GatewayError &&
        (e.code === ErrorCode.NOT_FOUND || e.code === ErrorCode.RECONNECT_REQUIRED) &&
        e.details.connectionRef === ref
      )
        evict(ref, true);
      throw e;
    } finally {
      pc.inFlight -= 1;
      pc.lastUsed = now();
    }
  }

  const facades = new Map<string, { transport: ConnectionTransport; client: GongClient }>();
  function facade(ref: string): { transport: ConnectionTransport; client: GongClient } {
    let f = facades.get(ref);
    if (f) return f;
    const transport: ConnectionTransport = {
      connectionRef: ref,
      // Nothing is built for a check: it only reads the registry.
      check: async (scope, what) => void (await connectionFor(deps.registry, ref, scope, what)),
      request: (req) => use(ref, `${req.method} ${req.path}`, (pc) => pc.transport.request(req)),
      requestRaw: (req) =>
        use(ref, `${req.method} ${req.path}`, (pc) => pc.transport.requestRaw(req)),
    };
    f = {
      transport,
      client: createGongClient(transport, {
        logger: deps.logger.child({ connection: ref }),
        metrics: deps.metrics,
        observer: deps.observer,
      }),
    };
    if (facades.size >= FACADES_MAX) facades.delete(facades.keys().next().value as string);
    facades.set(ref, f);
    return f;
  }

  const sweep = setInterval(
    () => {
      for (const [ref, pc] of made)
        if (
          pc.inFlight === 0 &&
          pc.scheduler.depth() === 0 &&
          pc.breaker.state() === 'closed' &&
          now() - pc.lastUsed >= idleEvictMs
        )
          evict(ref, false);
    },
    Math.max(1_000, Math.min(60_000, idleEvictMs / 2)),
  );
  sweep.unref();

  return {
    client: (ref) => facade(ref).client,
    transport: (ref) => facade(ref).transport,
    stats: (ref) => {
      const pc = made.get(ref);
      return { queueDepth: pc?.scheduler.depth() ?? 0, breaker: pc?.breaker.state() ?? 'closed' };
    },
    live: () => [...made.keys()],
    close: () =>
      promised(() => {
        clearInterval(sweep);
        for (const pc of made.values()) pc.scheduler.close();
        made.clear();
        facades.clear();
      }),
  };
}
