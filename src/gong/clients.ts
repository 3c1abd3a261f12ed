/**
 * The per-connection factory: one limiter, scheduler, breaker, transport and client per
 * connection ref, created on first use and kept for the life of the gateway. With a Redis client
 * the rate window, daily budget and 429 pause are shared by every instance; without, in process.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import type { ConnectionRegistry } from '../connections/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createFullReadCache, type FullReadCache } from '../cache/full-read-cache.js';
import { createBreaker, type Breaker } from '../scheduler/breaker.js';
import { createMemoryLimiter, type RateLimiter } from '../scheduler/limiter.js';
import { createRedisLimiter } from '../scheduler/redis-limiter.js';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { createGongClient } from './client.js';
import { createTransport, type ConnectionTransport } from './transport.js';
import type { GongClient } from './types.js';

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
  registry: ConnectionRegistry;
  /** Shares the budget, the 429 pause and the cache between instances. */
  redis?: Redis;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  limits: GongLimits;
  /** Per-connection rate and budget (Gong support can change a company's limits). */
  perConnection?: Record<string, { perSecond?: number; perDay?: number }>;
  metrics: Metrics;
  logger: Logger;
  /** CACHE_TTL_SECONDS: what loaders should pass to `cache.getOrLoad`. */
  cacheTtlSeconds: number;
  /** CACHE_STALE_SECONDS: how long an expired full read is served while it refreshes. @default 86400 */
  cacheStaleSeconds?: number;
  /** The cache's clock (tests move it with the gateway's; the scheduler keeps real time). @default now */
  cacheNow?: () => number;
  /** CACHE_FLOWS_TTL_SECONDS and the like: TTLs per cached kind. */
  cacheTtlByKind?: Record<string, number>;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface GongClients {
  client(ref: string): GongClient;
  /** The connection's transport, with `requestRaw` for the proxy and media uploads. */
  transport(ref: string): ConnectionTransport;
  /** The full-read cache (users, workspaces, flows) shared by all connections, keys per connection. */
  readonly cache: FullReadCache;
  readonly cacheTtlSeconds: number;
  /** Scheduler state of a connection, for health endpoints and tests. */
  stats(ref: string): { queueDepth: number; breaker: ReturnType<Breaker['state']> };
  /** Fails every queued request and forgets every connection. */
  close(): Promise<void>;
}

interface PerConnection {
  transport: ConnectionTransport;
  client: GongClient;
  scheduler: Scheduler;
  breaker: Breaker;
}

export function createGongClients(deps: GongClientsDeps): GongClients {
  const made = new Map<string, PerConnection>();
  const cache = createFullReadCache({ redis: deps.redis, keyPrefix: deps.keyPrefix, metrics: deps.metrics, logger: deps.logger, now: deps.cacheNow ?? deps.now, staleSeconds: deps.cacheStaleSeconds, ttlByKind: deps.cacheTtlByKind });
  const { limits } = deps;

  function build(ref: string): PerConnection {
    const own = deps.perConnection?.[ref] ?? {};
    const rate = { perSecond: own.perSecond ?? limits.perSecond, perDay: own.perDay ?? limits.perDay, safetyMarginMs: limits.safetyMarginMs, arrivalSlackMs: limits.arrivalSlackMs };
    const logger = deps.logger.child({ connection: ref });
    const limiter: RateLimiter = deps.redis
      ? createRedisLimiter({ ...rate, redis: deps.redis, keyPrefix: deps.keyPrefix, connectionRef: ref, logger, now: deps.now })
      : createMemoryLimiter({ ...rate, now: deps.now });
    const scheduler = createScheduler({
      connectionRef: ref,
      limiter,
      queueMax: limits.queueMax,
      queueTimeoutMs: limits.queueTimeoutMs,
      backgroundTimeoutFactor: limits.backgroundTimeoutFactor,
      metrics: deps.metrics,
      now: deps.now,
    });
    const breaker = createBreaker({ threshold: limits.breakerThreshold, cooldownMs: limits.breakerCooldownMs, now: deps.now });
    const transport = createTransport({
      connectionRef: ref,
      registry: deps.registry,
      scheduler,
      breaker,
      retry: { maxRetries: limits.maxRetries, baseMs: limits.retryBaseMs, maxMs: limits.retryMaxMs },
      requestTimeoutMs: limits.requestTimeoutMs,
      metrics: deps.metrics,
      logger,
      fetch: deps.fetch,
      now: deps.now,
    });
    return { transport, client: createGongClient(transport, { logger }), scheduler, breaker };
  }

  const get = (ref: string): PerConnection => {
    let pc = made.get(ref);
    if (!pc) {
      pc = build(ref);
      made.set(ref, pc);
    }
    return pc;
  };

  return {
    client: (ref) => get(ref).client,
    transport: (ref) => get(ref).transport,
    cache,
    cacheTtlSeconds: deps.cacheTtlSeconds,
    stats: (ref) => {
      const pc = get(ref);
      return { queueDepth: pc.scheduler.depth(), breaker: pc.breaker.state() };
    },
    async close() {
      for (const pc of made.values()) pc.scheduler.close();
      made.clear();
    },
  };
}
