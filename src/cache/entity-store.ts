/**
 * Where cached entities (calls, transcripts, users) live, keyed by connection, kind and Gong id.
 * In memory: an LRU bounded by bytes (the JSON size of each entry), each entry with its own TTL.
 * In Redis: JSON with a PX TTL, shared by every instance; all keys of a connection carry the same
 * hash tag, so reads (MGET) and writes (one script) touch one slot of a Redis Cluster. Evicting a
 * whole connection bumps its generation: entries written under an older one are never served
 * again and expire on their own. A Redis failure is a miss, never a failed read.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ReportCorruptEntry } from '../observability/corrupt-entries.js';
import type { Redis } from '../store/redis.js';
import { promised } from '../util/promised.js';

export type EntityKind = 'call' | 'transcript' | 'user';

/** `admin`: gongEvictCache; `gone`: Gong no longer returns the call. (`size`: the LRU's byte bound.) */
export type EvictionReason = 'admin' | 'gone';

export interface EntityWrite {
  id: string;
  value: unknown;
  ttlMs: number;
}

export interface EntityStore {
  /** The stored values of `ids`, in order; undefined where nothing (servable) is stored. */
  get(connectionRef: string, kind: EntityKind, ids: readonly string[]): Promise<unknown[]>;
  set(connectionRef: string, kind: EntityKind, writes: readonly EntityWrite[]): Promise<void>;
  /** Forgets `ids` of a kind, or everything of the connection; `reason` labels the evictions metric. */
  evict(
    connectionRef: string,
    target?: { kind: EntityKind; ids: readonly string[] },
    reason?: EvictionReason,
  ): Promise<void>;
  /** Bytes held in memory (0 for Redis). */
  bytes(): number;
}

interface MemoryEntry {
  value: unknown;
  size: number;
}

const memoryKey = (ref: string, kind: EntityKind, id: string) => `${ref}\u0000${kind}\u0000${id}`;

export function createMemoryEntityStore(opts: {
  maxBytes: number;
  metrics?: Metrics;
  now?: () => number;
}): EntityStore {
  const lru = new LRUCache<string, MemoryEntry>({
    maxSize: opts.maxBytes,
    sizeCalculation: (e) => e.size,
    // The clock of tests moves with the sandbox's; lru-cache reads `performance.now` unless told.
    ...(opts.now ? { perf: { now: opts.now } } : {}),
    dispose: (_e, key, reason) => {
      if (reason === 'evict')
        opts.metrics?.entityEvictions.inc({
          kind: key.split('\u0000')[1] ?? 'unknown',
          reason: 'size',
        });
    },
  });
  const report = () => opts.metrics?.entityCacheBytes.set(lru.calculatedSize);
  return {
    get: (ref, kind, ids) =>
      promised(() => ids.map((id) => lru.get(memoryKey(ref, kind, id))?.value)),
    set: (ref, kind, writes) =>
      promised(() => {
        for (const w of writes) {
          const key = memoryKey(ref, kind, w.id);
          // The JSON size is what an entry costs in Redis too, and close to its heap cost.
          const size = Buffer.byteLength(JSON.stringify(w.value)) + key.length;
          if (w.ttlMs > 0) lru.set(key, { value: w.value, size }, { ttl: w.ttlMs });
        }
        report();
      }),
    evict: (ref, target, reason = 'admin') =>
      promised(() => {
        const keys = target
          ? target.ids.map((id) => memoryKey(ref, target.kind, id))
          : [...lru.keys()].filter((k) => k.startsWith(`${ref}\u0000`));
        for (const k of keys)
          if (lru.delete(k))
            opts.metrics?.entityEvictions.inc({ kind: k.split('\u0000')[1] ?? 'unknown', reason });
        report();
      }),
    bytes: () => lru.calculatedSize,
  };
}

/** Writes each value under the connection's current generation: `<generation>|<json>`. */
const WRITE = `
local g = redis.call('GET', KEYS[1]) or '0'
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], g .. '|' .. ARGV[2 * i - 3], 'PX', ARGV[2 * i - 2])
end
return g`;

export interface RedisEntityStoreOptions {
  redis: Redis;
  keyPrefix: string;
  logger?: Logger;
  reportCorrupt?: ReportCorruptEntry;
}

export function createRedisEntityStore(opts: RedisEntityStoreOptions): EntityStore {
  const { redis } = opts;
  // The hash tag keeps a connection's entries in one slot; `}` in a ref cannot end the tag early because refs are validated.
  const base = (ref: string) => `${opts.keyPrefix}entity:{${ref}}:`;
  const key = (ref: string, kind: EntityKind, id: string) => `${base(ref)}${kind}:${id}`;
  const warn = (what: string, err: unknown) =>
    opts.logger?.warn(
      { err: err instanceof Error ? err.message : String(err) },
      `entity cache ${what} failed; going to Gong`,
    );

  return {
    async get(ref, kind, ids) {
      if (ids.length === 0 || redis.status !== 'ready') return ids.map(() => undefined);
      let raw: (string | null)[];
      try {
        raw = await redis.mget(`${base(ref)}gen`, ...ids.map((id) => key(ref, kind, id)));
      } catch (err) {
        warn('read', err);
        return ids.map(() => undefined);
      }
      const generation = raw[0] ?? '0';
      return ids.map((id, i) => {
        const entry = raw[i + 1];
        if (entry == null) return undefined;
        const bar = entry.indexOf('|');
        if (bar < 0 || entry.slice(0, bar) !== generation) return undefined;
        try {
          return JSON.parse(entry.slice(bar + 1)) as unknown;
        } catch {
          opts.reportCorrupt?.('cache', key(ref, kind, id), 'not JSON');
          return undefined;
        }
      });
    },
    async set(ref, kind, writes) {
      const live = writes.filter((w) => w.ttlMs > 0);
      if (live.length === 0 || redis.status !== 'ready') return;
      const args = live.flatMap((w) => [JSON.stringify(w.value), String(Math.ceil(w.ttlMs))]);
      try {
        await redis.eval(
          WRITE,
          live.length + 1,
          `${base(ref)}gen`,
          ...live.map((w) => key(ref, kind, w.id)),
          ...args,
        );
      } catch (err) {
        warn('write', err);
      }
    },
    async evict(ref, target) {
      try {
        if (target) {
          if (target.ids.length > 0)
            await redis.del(...target.ids.map((id) => key(ref, target.kind, id)));
        } else await redis.incr(`${base(ref)}gen`);
      } catch (err) {
        // An eviction that did not happen must not look done.
        opts.logger?.error(
          { err: err instanceof Error ? err.message : String(err) },
          'entity cache eviction failed',
        );
        throw err;
      }
    },
    bytes: () => 0,
  };
}
