/**
 * Cache of Gong's full-read objects (users, workspaces, flows) per connection, with single-flight
 * on misses: concurrent misses of one key run the loader once. In memory by default; with an
 * ioredis client, values are JSON under `SET PX`, shared by every instance. Negative results
 * (`null`) are cached too. A Redis failure never fails a read: it falls through to the loader.
 * Stale-while-revalidate: past its TTL an entry is still served for `staleSeconds` while one
 * background refresh (per key, across instances with Redis) replaces it, so once a full read has
 * data no query waits for its fan-out again; a failed refresh keeps the stale value and is logged.
 * A value read back from Redis is checked against the caller's schema: an entry written by another
 * deploy in another shape is reported (logged and counted), dropped and loaded again, never served.
 */
import { Cluster } from 'ioredis';
import type { Redis } from '../store/redis.js';
import type { z } from 'zod';
import type { ReportCorruptEntry } from '../observability/corrupt-entries.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface FullReadCache {
  /**
   * The cached value of `key` for the connection, or the loader's (then cached for
   * `ttlSeconds`; 0 disables caching). `kind` labels metrics, e.g. `users`.
   */
  getOrLoad<T>(
    connectionRef: string,
    key: string,
    ttlSeconds: number,
    /** Given the stale value when it refreshes one (an incremental refresh can build on it). */
    loader: (previous?: T) => Promise<T>,
    kind?: string,
    schema?: z.ZodType<T>,
    refresh?: boolean,
  ): Promise<T>;
  /**
   * What a read of `key` would cost now, without loading: in flight (shared, free), cached (its
   * value, free) or missing. For estimates made before an operation runs.
   */
  peek(connectionRef: string, key: string): Promise<FullReadPeek>;
  /** Forgets one key, or every key of the connection when `key` is omitted (memory) / the one key (Redis). */
  invalidate(connectionRef: string, key?: string): Promise<void>;
  /** Resolves when the background refreshes running now have finished (tests, shutdown). */
  settled(): Promise<void>;
}

export type FullReadPeek = { state: 'missing' | 'in-flight' } | { state: 'cached'; value: unknown };

export interface FullReadCacheOptions {
  redis?: Redis;
  /** Entries from Redis that do not parse or fail their schema. */
  reportCorrupt?: ReportCorruptEntry;
  /** REDIS_KEY_PREFIX. */
  keyPrefix?: string;
  metrics?: Metrics;
  logger?: Logger;
  now?: () => number;
  /** Entries kept in memory before the oldest are dropped. @default 10000 */
  maxEntries?: number;
  /** CACHE_STALE_SECONDS: how long past its TTL an entry is served while it refreshes. 0: never. @default 86400 */
  staleSeconds?: number;
  /** TTLs that replace the caller's for a kind, e.g. `{ flows: 21600 }` (a refresh costs a request per user). */
  ttlByKind?: Record<string, number>;
}

interface Entry {
  value: unknown;
  /** Fresh until then; served stale (and refreshed) until `staleUntil`. */
  expiresAt: number;
  staleUntil: number;
}

type Lookup = { hit: true; value: unknown; fresh: boolean } | { hit: false };

export function createFullReadCache(opts: FullReadCacheOptions = {}): FullReadCache {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const staleMs = Math.max(0, opts.staleSeconds ?? 86_400) * 1000;
  const memory = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<unknown>>();
  const refreshing = new Map<string, Promise<void>>();
  const redisKey = (k: string) => `${opts.keyPrefix ?? ''}cache:${k}`;
  const count = (kind: string, result: string) => opts.metrics?.cacheLookups.inc({ kind, result });

  /** A Redis entry that cannot be served: reported once, then a miss (the load overwrites it). */
  const corrupt = (k: string, problem: string): Lookup => {
    opts.reportCorrupt?.('cache', redisKey(k), problem);
    return { hit: false };
  };

  async function read(k: string, schema: z.ZodType | undefined): Promise<Lookup> {
    if (opts.redis) {
      if (opts.redis.status !== 'ready') return { hit: false };
      try {
        const raw = await opts.redis.get(redisKey(k));
        if (raw === null) return { hit: false };
        let stored: unknown;
        try {
          stored = JSON.parse(raw);
        } catch {
          return corrupt(k, 'not JSON');
        }
        // `{v, f, k}`: value, fresh until (ms), and the key (connection and kind) it was written
        // under. An entry copied under another key, or not bound to one, is never served.
        const envelope =
          typeof stored === 'object' &&
          stored !== null &&
          'v' in stored &&
          typeof (stored as { f?: unknown }).f === 'number';
        if (!envelope || (stored as { k?: unknown }).k !== k)
          return corrupt(k, 'not bound to this connection and key');
        const value = (stored as { v: unknown }).v;
        const fresh = (stored as { f: number }).f > now();
        if (schema && value !== null) {
          const checked = schema.safeParse(value);
          if (!checked.success)
            return corrupt(
              k,
              `outside the expected shape: ${checked.error.issues
                .slice(0, 3)
                .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
                .join('; ')}`,
            );
          return { hit: true, value: checked.data, fresh };
        }
        return { hit: true, value, fresh };
      } catch (err) {
        opts.logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'cache read failed; loading from Gong',
        );
        return { hit: false };
      }
    }
    const e = memory.get(k);
    if (!e) return { hit: false };
    if (e.staleUntil <= now()) {
      memory.delete(k);
      return { hit: false };
    }
    return { hit: true, value: e.value, fresh: e.expiresAt > now() };
  }

  async function write(k: string, value: unknown, ttlSeconds: number): Promise<void> {
    if (opts.redis) {
      if (opts.redis.status !== 'ready') return;
      try {
        await opts.redis.set(
          redisKey(k),
          JSON.stringify({ v: value ?? null, f: now() + ttlSeconds * 1000, k }),
          'PX',
          Math.round(ttlSeconds * 1000 + staleMs),
        );
      } catch (err) {
        opts.logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'cache write failed',
        );
      }
      return;
    }
    if (memory.size >= maxEntries) {
      const oldest = memory.keys().next();
      if (!oldest.done) memory.delete(oldest.value);
    }
    memory.delete(k);
    memory.set(k, {
      value,
      expiresAt: now() + ttlSeconds * 1000,
      staleUntil: now() + ttlSeconds * 1000 + staleMs,
    });
  }

  /** One refresh per key: in this process by the map, across instances by a Redis lock. */
  function refreshInBackground(
    k: string,
    ttlSeconds: number,
    loader: () => Promise<unknown>,
    kind: string,
  ): void {
    if (refreshing.has(k)) return;
    const run = (async () => {
      if (opts.redis?.status === 'ready') {
        const lockMs = Math.max(1_000, Math.min(ttlSeconds * 1000, 300_000));
        const won = await opts.redis
          .set(redisKey(`${k}:refresh`), '1', 'PX', lockMs, 'NX')
          .catch(() => null);
        if (won !== 'OK') return;
      }
      try {
        await write(k, await loader(), ttlSeconds);
        count(kind, 'refreshed');
      } catch (err) {
        count(kind, 'refresh_failed');
        opts.logger?.warn(
          { kind, err: err instanceof Error ? err.message : String(err) },
          'background refresh of a full read failed; serving the stale value',
        );
      }
    })().finally(() => refreshing.delete(k));
    refreshing.set(k, run);
  }

  return {
    async getOrLoad<T>(
      connectionRef: string,
      key: string,
      ttlSeconds: number,
      loader: (previous?: T) => Promise<T>,
      kind = 'object',
      schema?: z.ZodType<T>,
      refresh = false,
    ): Promise<T> {
      if (ttlSeconds <= 0) {
        count(kind, 'bypass');
        return loader();
      }
      const ttl = opts.ttlByKind?.[kind] ?? ttlSeconds;
      const k = `${connectionRef}:${key}`;
      if (refresh) {
        // Cache-Control: no-cache: Gong's answer now, which then serves everyone else.
        count(kind, 'bypass');
        const prior = await read(k, schema);
        const value = await loader(prior.hit ? (prior.value as T) : undefined);
        await write(k, value, ttl);
        return value;
      }
      const pending = inFlight.get(k);
      if (pending) {
        count(kind, 'shared');
        return pending as Promise<T>;
      }
      const p = (async () => {
        const cached = await read(k, schema);
        if (cached.hit) {
          count(kind, cached.fresh ? 'hit' : 'stale');
          if (!cached.fresh) refreshInBackground(k, ttl, () => loader(cached.value as T), kind);
          return cached.value as T;
        }
        count(kind, 'miss');
        const value = await loader();
        await write(k, value, ttl);
        return value;
      })().finally(() => inFlight.delete(k));
      inFlight.set(k, p);
      return p;
    },

    async settled() {
      await Promise.all([...refreshing.values()]);
    },

    async peek(connectionRef, key) {
      const k = `${connectionRef}:${key}`;
      if (inFlight.has(k)) return { state: 'in-flight' };
      const found = await read(k, undefined);
      return found.hit ? { state: 'cached', value: found.value } : { state: 'missing' };
    },

    async invalidate(connectionRef, key) {
      if (key === undefined) {
        for (const k of [...memory.keys()]) if (k.startsWith(`${connectionRef}:`)) memory.delete(k);
        if (opts.redis?.status === 'ready')
          await deleteMatching(opts.redis, `${globEscape(redisKey(`${connectionRef}:`))}*`);
        return;
      }
      const k = `${connectionRef}:${key}`;
      memory.delete(k);
      if (opts.redis?.status === 'ready') await opts.redis.del(redisKey(k)).catch(() => undefined);
    },
  };
}

const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Deletes the keys matching `pattern` on every master (an admin action: rare, so a SCAN is fine). */
async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      // One key a command: keys of a cluster live in different slots.
      for (const k of keys) await server.del(k);
    } while (cursor !== '0');
  }
}
