/**
 * The connection's sliding window, day budget and 429 pause shared by every gateway instance
 * through one atomic Lua script per acquisition. The script reads Redis `TIME`, so all instances
 * share one clock. When Redis cannot answer (restart, network), this instance falls back to its
 * own in-process limiter and says so once in the logs: requests keep flowing, and Gong's 429s
 * (which pause us) cover the short time two instances might overlap.
 */
import type { Redis } from '../store/redis.js';
import type { Logger } from '../observability/logger.js';
import {
  createMemoryLimiter,
  windowOf,
  type Acquisition,
  type LimitOptions,
  type RateLimiter,
  type Slot,
} from './limiter.js';

// KEYS: 1 places (zset: member → latest possible arrival), 2 budget (hash day → count), 3 pause
// ARGV: 1 slots, 2 windowMs, 3 perDay, 4 unique member, 5 arrival slack ms
// Returns {code, waitMs, remainingToday}: code 0 go, 1 rate, 2 paused, 3 budget.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slots = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local perDay = tonumber(ARGV[3])
local slack = tonumber(ARGV[5])
local day = math.floor(now / 86400000)
local used = tonumber(redis.call('HGET', KEYS[2], tostring(day)) or '0')
local left = perDay - used
if left < 0 then left = 0 end
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return {2, paused, left} end
if used >= perDay then return {3, (day + 1) * 86400000 - now, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
if redis.call('ZCARD', KEYS[1]) >= slots then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, tonumber(oldest[2]) + windowMs - now, left}
end
redis.call('ZADD', KEYS[1], now + slack, ARGV[4])
redis.call('PEXPIRE', KEYS[1], windowMs + slack + 1000)
redis.call('HINCRBY', KEYS[2], tostring(day), 1)
redis.call('HDEL', KEYS[2], tostring(day - 1))
redis.call('PEXPIRE', KEYS[2], 2 * 86400000)
return {0, 0, left - 1}
`;

// KEYS: 1 places. ARGV: 1 member. The answer is known: the request arrived by now at the latest.
const SETTLE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) > now then redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1]) end
return 1
`;

// KEYS: 1 pause. ARGV: 1 ms. Extends, never shortens.
const PAUSE = `
local cur = redis.call('PTTL', KEYS[1])
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

export interface RedisLimiterOptions extends LimitOptions {
  redis: Redis;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  connectionRef: string;
  logger?: Logger;
  /** How long to wait for the script before using the in-process limiter for this acquisition. @default 500 */
  redisTimeoutMs?: number;
  now?: () => number;
}

/** Resolves when the client is ready or after `ms`, whichever comes first. */
function readyWithin(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}

const CODES = ['go', 'rate', 'paused', 'budget'] as const;

/** The Redis keys of a connection's limiter (the hash tag keeps them in one cluster slot). */
export function limiterKeys(
  prefix: string,
  ref: string,
): { starts: string; budget: string; pause: string } {
  const base = `${prefix}gong:{${ref}}:`;
  return { starts: `${base}starts`, budget: `${base}budget`, pause: `${base}pause` };
}

export function createRedisLimiter(opts: RedisLimiterOptions): RateLimiter {
  const { slots, windowMs, slackMs } = windowOf(opts);
  const keys = limiterKeys(opts.keyPrefix, opts.connectionRef);
  const fallback = createMemoryLimiter(opts);
  const timeoutMs = opts.redisTimeoutMs ?? 500;
  const instance = Math.random().toString(36).slice(2, 10);
  let seq = 0;
  let degraded = false;

  const withTimeout = <T>(p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      p.then(
        (v) => (clearTimeout(timer), resolve(v)),
        (e: unknown) => (
          clearTimeout(timer),
          reject(e instanceof Error ? e : new Error(String(e)))
        ),
      );
    });

  const degrade = (err: unknown) => {
    if (!degraded) {
      degraded = true;
      opts.logger?.warn(
        { connection: opts.connectionRef, err: err instanceof Error ? err.message : String(err) },
        'Redis rate limiter unavailable; using the in-process limiter until Redis answers again',
      );
    }
  };

  return {
    async tryAcquire(): Promise<Acquisition> {
      // Without a ready connection ioredis would queue the command: wait briefly for it (start-up),
      // but not again while already degraded, so an outage costs one short wait, not one per request.
      if (opts.redis.status !== 'ready' && !degraded) await readyWithin(opts.redis, timeoutMs);
      if (opts.redis.status !== 'ready') {
        degrade(new Error(`Redis connection is ${opts.redis.status}`));
        return fallback.tryAcquire();
      }
      try {
        const member = `${instance}:${++seq}`;
        const out = await withTimeout(
          opts.redis.eval(
            ACQUIRE,
            3,
            keys.starts,
            keys.budget,
            keys.pause,
            slots,
            windowMs,
            opts.perDay,
            member,
            slackMs,
          ),
        );
        if (!Array.isArray(out) || out.length !== 3)
          throw new Error(`unexpected limiter script result: ${JSON.stringify(out)}`);
        const [code, waitMs, remainingToday] = out.map((v) => Number(v)) as [
          number,
          number,
          number,
        ];
        if (degraded) {
          degraded = false;
          opts.logger?.info(
            { connection: opts.connectionRef },
            'Redis rate limiter available again',
          );
        }
        const kind = CODES[code];
        if (kind === 'go') {
          const local = fallback.note();
          const slot: Slot = {
            async settle() {
              await local.settle();
              // Best effort: an unsettled place simply ages out after the slack.
              if (opts.redis.status === 'ready')
                await withTimeout(opts.redis.eval(SETTLE, 1, keys.starts, member)).catch(
                  () => undefined,
                );
            },
          };
          return { ok: true, remainingToday, slot };
        }
        if (kind === undefined) throw new Error(`unknown limiter script code ${code}`);
        return { ok: false, reason: kind, waitMs: Math.max(1, waitMs), remainingToday };
      } catch (err) {
        degrade(err);
        return fallback.tryAcquire();
      }
    },

    async pause(ms) {
      // Also locally, so the pause holds while Redis is away.
      await fallback.pause(ms);
      if (ms <= 0) return;
      if (opts.redis.status !== 'ready' && !degraded) await readyWithin(opts.redis, timeoutMs);
      if (opts.redis.status !== 'ready') return;
      try {
        await withTimeout(opts.redis.eval(PAUSE, 1, keys.pause, Math.ceil(ms)));
      } catch (err) {
        degrade(err);
      }
    },
  };
}
