/**
 * Where the change index lives, per connection: each known call's encoded entry (./fingerprint.ts)
 * with its start for range reads, the sweep schedule and costs (`meta`), the one-sweeper lock, the
 * reconciler's spend of the day, and when each connection was last in use. In memory for one
 * instance; in Redis (REDIS_URL or REDIS_CLUSTER_NODES) for all of them, every key of a connection
 * under the hash tag `{<ref>}` so each script touches one slot of a Redis Cluster.
 */
import type { Redis } from '../store/redis.js';
import { promised } from '../util/promised.js';

export interface Swap {
  id: string;
  /** What the writer read (undefined: absent); the write happens only if it is still there. */
  expected: string | undefined;
  /** What to store (undefined: remove). */
  next: string | undefined;
  /** The call's start (ms), for range reads. */
  started: number;
}

export type ActivityKind = 'read' | 'sync';

export interface IndexStore {
  get(ref: string, ids: readonly string[]): Promise<(string | undefined)[]>;
  /** Compare-and-set per id, atomically per call; `true` where the write happened. */
  swap(ref: string, swaps: readonly Swap[]): Promise<boolean[]>;
  /** Entries whose start lies in `[from, to)`. */
  range(ref: string, from: number, to: number): Promise<[id: string, entry: string][]>;
  size(ref: string): Promise<number>;
  meta(ref: string): Promise<Record<string, string>>;
  setMeta(ref: string, fields: Record<string, string>): Promise<void>;
  /** Takes the connection's sweep lock for `ttlMs` unless another owner holds it. */
  lock(ref: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a lock this owner holds; false when it lost it. */
  renew(ref: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(ref: string, owner: string): Promise<void>;
  /** Adds `n` to the reconciler's spend of `day` if the total stays within `cap`. */
  spend(ref: string, day: string, n: number, cap: number): Promise<boolean>;
  spent(ref: string, day: string): Promise<number>;
  /** Records that a connection was in use at `at`. */
  touch(ref: string, kind: ActivityKind, at: number): Promise<void>;
  /** Connections in use of that kind at or after `since`. */
  active(kind: ActivityKind, since: number): Promise<string[]>;
}

/** A day's spend is kept two days: long enough for either side of midnight. */
const SPEND_TTL_MS = 2 * 86_400_000;

interface MemoryConnection {
  entries: Map<string, { value: string; started: number }>;
  meta: Map<string, string>;
  lock?: { owner: string; until: number };
  spent: Map<string, number>;
}

export function createMemoryIndexStore(now: () => number = Date.now): IndexStore {
  const conns = new Map<string, MemoryConnection>();
  const activity: Record<ActivityKind, Map<string, number>> = { read: new Map(), sync: new Map() };
  const of = (ref: string): MemoryConnection => {
    let c = conns.get(ref);
    if (!c) conns.set(ref, (c = { entries: new Map(), meta: new Map(), spent: new Map() }));
    return c;
  };
  const held = (c: MemoryConnection, owner?: string) =>
    c.lock !== undefined && c.lock.until > now() && (owner === undefined || c.lock.owner === owner);
  return {
    get: (ref, ids) =>
      promised(() => {
        const c = of(ref);
        return ids.map((id) => c.entries.get(id)?.value);
      }),
    swap: (ref, swaps) =>
      promised(() => {
        const c = of(ref);
        return swaps.map((s) => {
          if (c.entries.get(s.id)?.value !== s.expected) return false;
          if (s.next === undefined) c.entries.delete(s.id);
          else c.entries.set(s.id, { value: s.next, started: s.started });
          return true;
        });
      }),
    range: (ref, from, to) =>
      promised(() => {
        const out: [string, string][] = [];
        for (const [id, e] of of(ref).entries)
          if (e.started >= from && e.started < to) out.push([id, e.value]);
        return out;
      }),
    size: (ref) => promised(() => of(ref).entries.size),
    meta: (ref) => promised(() => Object.fromEntries(of(ref).meta)),
    setMeta: (ref, fields) =>
      promised(() => {
        const m = of(ref).meta;
        for (const [k, v] of Object.entries(fields)) m.set(k, v);
      }),
    lock: (ref, owner, ttlMs) =>
      promised(() => {
        const c = of(ref);
        if (held(c)) return false;
        c.lock = { owner, until: now() + ttlMs };
        return true;
      }),
    renew: (ref, owner, ttlMs) =>
      promised(() => {
        const c = of(ref);
        if (!held(c, owner)) return false;
        c.lock = { owner, until: now() + ttlMs };
        return true;
      }),
    unlock: (ref, owner) =>
      promised(() => {
        const c = of(ref);
        if (c.lock?.owner === owner) c.lock = undefined;
      }),
    spend: (ref, day, n, cap) =>
      promised(() => {
        const s = of(ref).spent;
        const total = (s.get(day) ?? 0) + n;
        if (total > cap) return false;
        s.set(day, total);
        for (const d of s.keys()) if (d < day) s.delete(d);
        return true;
      }),
    spent: (ref, day) => promised(() => of(ref).spent.get(day) ?? 0),
    touch: (ref, kind, at) =>
      promised(() => {
        const a = activity[kind];
        a.set(ref, Math.max(at, a.get(ref) ?? 0));
      }),
    active: (kind, since) =>
      promised(() => {
        const a = activity[kind];
        // What is no longer in use is forgotten, so the set stays bounded by the connections in use.
        for (const [ref, at] of a) if (at < since) a.delete(ref);
        return [...a.keys()];
      }),
  };
}

/** ARGV holds (id, expected, next, started) per call; '' stands for absent (entries are never empty). */
const SWAP = `
local out = {}
for i = 1, #ARGV, 4 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i]) or ''
  if cur == ARGV[i + 1] then
    if ARGV[i + 2] == '' then
      redis.call('HDEL', KEYS[1], ARGV[i])
      redis.call('ZREM', KEYS[2], ARGV[i])
    else
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
      redis.call('ZADD', KEYS[2], ARGV[i + 3], ARGV[i])
    end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const SPEND = `
local total = tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1])
if total > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], total, 'PX', ARGV[3])
return 1`;

export function createRedisIndexStore(redis: Redis, keyPrefix: string): IndexStore {
  // The hash tag keeps every key of a connection in one slot; refs are validated, so no `}` ends it early.
  const key = (ref: string, what: string) => `${keyPrefix}reconcile:{${ref}}:${what}`;
  const activityKey = (kind: ActivityKind) => `${keyPrefix}reconcile:active:${kind}`;
  return {
    async get(ref, ids) {
      if (ids.length === 0) return [];
      return (await redis.hmget(key(ref, 'index'), ...ids)).map((v) => v ?? undefined);
    },
    async swap(ref, swaps) {
      if (swaps.length === 0) return [];
      const args = swaps.flatMap((s) => [s.id, s.expected ?? '', s.next ?? '', String(s.started)]);
      const out = (await redis.eval(
        SWAP,
        2,
        key(ref, 'index'),
        key(ref, 'starts'),
        ...args,
      )) as number[];
      return out.map((v) => v === 1);
    },
    async range(ref, from, to) {
      const ids = await redis.zrangebyscore(key(ref, 'starts'), from, `(${to}`);
      const out: [string, string][] = [];
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        const values = await redis.hmget(key(ref, 'index'), ...chunk);
        chunk.forEach((id, j) => {
          const v = values[j];
          if (v != null) out.push([id, v]);
        });
      }
      return out;
    },
    size: (ref) => redis.hlen(key(ref, 'index')),
    meta: (ref) => redis.hgetall(key(ref, 'meta')),
    async setMeta(ref, fields) {
      if (Object.keys(fields).length > 0) await redis.hset(key(ref, 'meta'), fields);
    },
    async lock(ref, owner, ttlMs) {
      return (await redis.set(key(ref, 'lock'), owner, 'PX', Math.ceil(ttlMs), 'NX')) === 'OK';
    },
    async renew(ref, owner, ttlMs) {
      return (await redis.eval(RENEW, 1, key(ref, 'lock'), owner, Math.ceil(ttlMs))) === 1;
    },
    async unlock(ref, owner) {
      await redis.eval(UNLOCK, 1, key(ref, 'lock'), owner);
    },
    async spend(ref, day, n, cap) {
      return (await redis.eval(SPEND, 1, key(ref, `spent:${day}`), n, cap, SPEND_TTL_MS)) === 1;
    },
    async spent(ref, day) {
      return Number((await redis.get(key(ref, `spent:${day}`))) ?? 0);
    },
    async touch(ref, kind, at) {
      // GT: an instance with a slower clock never moves it back.
      await redis.zadd(activityKey(kind), 'GT', at, ref);
    },
    async active(kind, since) {
      // What is no longer in use is forgotten, so the set stays bounded by the connections in use.
      await redis.zremrangebyscore(activityKey(kind), '-inf', `(${since}`);
      return redis.zrangebyscore(activityKey(kind), since, '+inf');
    },
  };
}
