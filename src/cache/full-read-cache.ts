/**
 * Cache of Gong's full-read objects (users, workspaces, flows) per connection, with single-flight
 * on misses: concurrent misses of one key run the loader once. In memory by default; with an
 * ioredis client, values are JSON under `SET PX`, shared by every instance. Negative results
 * (`null`) are cached too. A Redis failure never fails a read: it falls through to the loader.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface FullReadCache {
  /**
   * The cached value of `key` for the connection, or the loader's (then cached for
   * `ttlSeconds`; 0 disables caching). `kind` labels metrics, e.g. `users`.
   */
  getOrLoad<T>(connectionRef: string, key: string, ttlSeconds: number, loader: () => Promise<T>, kind?: string): Promise<T>;
  /** Forgets one key, or every key of the connection when `key` is omitted (memory) / the one key (Redis). */
  invalidate(connectionRef: string, key?: string): Promise<void>;
}

export interface FullReadCacheOptions {
  redis?: Redis;
  /** REDIS_KEY_PREFIX. */
  keyPrefix?: string;
  metrics?: Metrics;
  logger?: Logger;
  now?: () => number;
  /** Entries kept in memory before the oldest are dropped. @default 10000 */
  maxEntries?: number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

export function createFullReadCache(opts: FullReadCacheOptions = {}): FullReadCache {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const memory = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<unknown>>();
  const redisKey = (k: string) => `${opts.keyPrefix ?? ''}cache:${k}`;
  const count = (kind: string, result: string) => opts.metrics?.cacheLookups.inc({ kind, result });

  async function read(k: string): Promise<{ hit: true; value: unknown } | { hit: false }> {
    if (opts.redis) {
      if (opts.redis.status !== 'ready') return { hit: false };
      try {
        const raw = await opts.redis.get(redisKey(k));
        return raw === null ? { hit: false } : { hit: true, value: JSON.parse(raw) as unknown };
      } catch (err) {
        opts.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache read failed; loading from Gong');
        return { hit: false };
      }
    }
    const e = memory.get(k);
    if (!e) return { hit: false };
    if (e.expiresAt <= now()) {
      memory.delete(k);
      return { hit: false };
    }
    return { hit: true, value: e.value };
  }

  async function write(k: string, value: unknown, ttlSeconds: number): Promise<void> {
    if (opts.redis) {
      if (opts.redis.status !== 'ready') return;
      try {
        await opts.redis.set(redisKey(k), JSON.stringify(value ?? null), 'PX', Math.round(ttlSeconds * 1000));
      } catch (err) {
        opts.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache write failed');
      }
      return;
    }
    if (memory.size >= maxEntries) {
      const oldest = memory.keys().next();
      if (!oldest.done) memory.delete(oldest.value);
    }
    memory.set(k, { value, expiresAt: now() + ttlSeconds * 1000 });
  }

  return {
    async getOrLoad<T>(connectionRef: string, key: string, ttlSeconds: number, loader: () => Promise<T>, kind = 'object'): Promise<T> {
      if (ttlSeconds <= 0) {
        count(kind, 'bypass');
        return loader();
      }
      const k = `${connectionRef}:${key}`;
      const pending = inFlight.get(k);
      if (pending) {
        count(kind, 'shared');
        return pending as Promise<T>;
      }
      const p = (async () => {
        const cached = await read(k);
        if (cached.hit) {
          count(kind, 'hit');
          return cached.value as T;
        }
        count(kind, 'miss');
        const value = await loader();
        await write(k, value, ttlSeconds);
        return value;
      })().finally(() => inFlight.delete(k));
      inFlight.set(k, p);
      return p;
    },

    async invalidate(connectionRef, key) {
      if (key === undefined) {
        for (const k of [...memory.keys()]) if (k.startsWith(`${connectionRef}:`)) memory.delete(k);
        return;
      }
      const k = `${connectionRef}:${key}`;
      memory.delete(k);
      if (opts.redis?.status === 'ready') await opts.redis.del(redisKey(k)).catch(() => undefined);
    },
  };
}
