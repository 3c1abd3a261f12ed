/**
 * Redis KeyValueStore (REDIS_URL): shared by every gateway instance. Keys are prefixed by hand
 * rather than with ioredis' `keyPrefix`, because that option does not apply to SCAN patterns.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { KeyValueStore } from './types.js';

export type { Redis };

export interface RedisClientOptions {
  /** Errors and reconnects are logged here instead of ioredis' "unhandled error event". */
  logger?: Logger;
  /** Longest pause between reconnect attempts. @default 2000 */
  maxReconnectDelayMs?: number;
  /** Connection name shown by CLIENT LIST. */
  name?: string;
}

/**
 * An ioredis client that rides out a Redis restart: commands queue in the offline queue
 * (`maxRetriesPerRequest: null`) and replay once the reconnect (capped backoff) succeeds,
 * instead of failing after a few retries.
 */
export function createRedisClient(url: string, opts: RedisClientOptions = {}): Redis {
  const maxDelay = opts.maxReconnectDelayMs ?? 2000;
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
    // A failover or READONLY replica: reconnect rather than keep sending writes to it.
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
    ...(opts.name !== undefined ? { connectionName: opts.name } : {}),
  });
  redis.on('error', (err: Error) => opts.logger?.warn({ err: err.message }, 'redis connection error'));
  redis.on('reconnecting', () => opts.logger?.info('redis reconnecting'));
  return redis;
}

/** Escapes glob metacharacters so a prefix matches literally in SCAN MATCH. */
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

export function createRedisStore(redis: Redis, keyPrefix: string): KeyValueStore {
  const k = (key: string) => keyPrefix + key;
  return {
    async get(key) {
      return redis.get(k(key));
    },
    async set(key, value, opts = {}) {
      const full = k(key);
      let reply: string | null;
      if (opts.ttlMs !== undefined && opts.onlyIfAbsent) reply = await redis.set(full, value, 'PX', Math.max(1, Math.ceil(opts.ttlMs)), 'NX');
      else if (opts.ttlMs !== undefined) reply = await redis.set(full, value, 'PX', Math.max(1, Math.ceil(opts.ttlMs)));
      else if (opts.onlyIfAbsent) reply = await redis.set(full, value, 'NX');
      else reply = await redis.set(full, value);
      return reply === 'OK';
    },
    async take(key) {
      // GETDEL (Redis >= 6.2) is atomic: two instances racing for one OAuth state cannot both win.
      return redis.getdel(k(key));
    },
    async del(key) {
      await redis.del(k(key));
    },
    async keys(prefix) {
      const out: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${globEscape(k(prefix))}*`, 'COUNT', 500);
        cursor = next;
        for (const full of batch) out.push(full.slice(keyPrefix.length));
      } while (cursor !== '0');
      return [...new Set(out)];
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      // The client is shared with other features (events, budget); its owner quits it.
    },
  };
}
