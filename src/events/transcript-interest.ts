/**
 * Who is waiting for transcripts. The transcript poller spends Gong requests only on calls
 * someone waits for: a `gongTranscriptReady` subscriber, a transcripts sync chain, or the search
 * read model. Each registers here with `want` and lets go with `release`; a lease also expires
 * (`ttlMs`) so that an instance that dies does not keep polling alive. A holder renews by calling
 * `renew` (or `want` again with the same holder).
 *
 * Kept where the transcript schedule is (memory, or Redis so every instance's poller sees every
 * instance's subscribers): one sorted set per connection, members `target\0reason\0holder`,
 * scored by expiry.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from '../store/redis.js';

/** Why someone waits (metrics and logs; the poller treats every reason alike). */
export type InterestReason = 'subscriber' | 'sync' | 'read-model';

/** Every call of the connection, present and future. */
export const ALL_CALLS = 'all';

export interface InterestLease {
  /** Extends the lease by its ttl from now. */
  renew(): Promise<void>;
  /** Stops waiting (idempotent). */
  release(): Promise<void>;
}

export interface WantOptions {
  /** How long the lease lasts without a renew. @default 300_000 (5 min); Infinity: until released. */
  ttlMs?: number;
  /** A stable name makes repeated `want`s renew one lease instead of adding leases. @default a random id */
  holder?: string;
}

export interface TranscriptInterest {
  /** Waits for the transcript of `callId`, or of every call of the connection (`'all'`). */
  want(
    connectionRef: string,
    callId: string,
    reason: InterestReason,
    opts?: WantOptions,
  ): Promise<InterestLease>;
  /** Of `callIds`, the ones someone waits for now. */
  wanted(connectionRef: string, callIds: readonly string[]): Promise<Set<string>>;
}

export const DEFAULT_INTEREST_TTL_MS = 300_000;

const member = (target: string, reason: InterestReason, holder: string) =>
  `${target}\u0000${reason}\u0000${holder}`;
const targetOf = (m: string) => m.slice(0, m.indexOf('\u0000'));

/** The wanted subset of `callIds` given the live targets. */
function pick(targets: Iterable<string>, callIds: readonly string[]): Set<string> {
  const live = new Set(targets);
  if (live.has(ALL_CALLS)) return new Set(callIds);
  return new Set(callIds.filter((id) => live.has(id)));
}

function leaseOf(
  put: (expiresAt: number) => Promise<void>,
  drop: () => Promise<void>,
  ttlMs: number,
  now: () => number,
): InterestLease {
  return {
    renew: () => put(now() + ttlMs),
    release: drop,
  };
}

export function createMemoryTranscriptInterest(
  opts: { now?: () => number } = {},
): TranscriptInterest {
  const now = opts.now ?? Date.now;
  const byRef = new Map<string, Map<string, number>>();
  return {
    want(ref, callId, reason, o = {}) {
      const ttlMs = o.ttlMs ?? DEFAULT_INTEREST_TTL_MS;
      const m = member(callId, reason, o.holder ?? randomUUID());
      const put = (expiresAt: number) => {
        const leases = byRef.get(ref) ?? new Map<string, number>();
        byRef.set(ref, leases.set(m, expiresAt));
        return Promise.resolve();
      };
      const drop = () => {
        byRef.get(ref)?.delete(m);
        return Promise.resolve();
      };
      return put(now() + ttlMs).then(() => leaseOf(put, drop, ttlMs, now));
    },
    wanted(ref, callIds) {
      const leases = byRef.get(ref);
      if (!leases) return Promise.resolve(new Set<string>());
      const t = now();
      for (const [m, expiresAt] of leases) if (expiresAt <= t) leases.delete(m);
      return Promise.resolve(pick([...leases.keys()].map(targetOf), callIds));
    },
  };
}

export function createRedisTranscriptInterest(
  redis: Redis,
  prefix: string,
  opts: { now?: () => number } = {},
): TranscriptInterest {
  const now = opts.now ?? Date.now;
  const key = (ref: string) => `${prefix}{transcriptpoll}:interest:${ref}`;
  return {
    async want(ref, callId, reason, o = {}) {
      const ttlMs = o.ttlMs ?? DEFAULT_INTEREST_TTL_MS;
      const m = member(callId, reason, o.holder ?? randomUUID());
      const put = async (expiresAt: number) => {
        await redis.zadd(key(ref), Number.isFinite(expiresAt) ? expiresAt : '+inf', m);
      };
      await put(now() + ttlMs);
      return leaseOf(
        put,
        async () => {
          await redis.zrem(key(ref), m);
        },
        ttlMs,
        now,
      );
    },
    async wanted(ref, callIds) {
      const t = now();
      const [, live] = (await redis
        .multi()
        .zremrangebyscore(key(ref), '-inf', t)
        .zrangebyscore(key(ref), `(${t}`, '+inf')
        .exec()) as [[Error | null, number], [Error | null, string[]]];
      if (live[0]) throw live[0];
      return pick(live[1].map(targetOf), callIds);
    },
  };
}
