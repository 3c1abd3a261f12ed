/**
 * The transcript poller's schedule: which calls still wait for their transcript, when each is
 * due next and how many checks it has had. Kept in the store (memory, or Redis so it survives a
 * restart and is shared). Taking due items leases them (moves their due time forward by
 * `leaseMs`) instead of removing them, so an instance that dies mid-check loses nothing: the
 * items come due again. With Redis the take is one Lua script: two instances never take the
 * same item at once.
 */
import type { Redis } from '../store/redis.js';

export interface ScheduledCheck {
  connectionRef: string;
  callId: string;
  /** Checks done so far. */
  attempt: number;
  /** ms since epoch of the call.created event: the give-up clock starts here. */
  firstAt: number;
  isPrivate: boolean;
}

export interface TranscriptSchedule {
  /** Adds a call (no-op when it is already scheduled). */
  add(check: ScheduledCheck, dueAt: number): Promise<void>;
  /** Up to `limit` items due at `now`, leased until `now + leaseMs`. */
  takeDue(now: number, limit: number, leaseMs: number): Promise<ScheduledCheck[]>;
  reschedule(check: ScheduledCheck, dueAt: number): Promise<void>;
  remove(check: Pick<ScheduledCheck, 'connectionRef' | 'callId'>): Promise<void>;
  size(): Promise<number>;
}

const member = (c: Pick<ScheduledCheck, 'connectionRef' | 'callId'>) => `${c.connectionRef}\u0000${c.callId}`;

function parseCheck(json: string | null | undefined): ScheduledCheck | undefined {
  if (!json) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.connectionRef !== 'string' || typeof o.callId !== 'string' || typeof o.attempt !== 'number' || typeof o.firstAt !== 'number') return undefined;
    return { connectionRef: o.connectionRef, callId: o.callId, attempt: o.attempt, firstAt: o.firstAt, isPrivate: o.isPrivate === true };
  } catch {
    return undefined;
  }
}

export function createMemoryTranscriptSchedule(): TranscriptSchedule {
  const items = new Map<string, { check: ScheduledCheck; dueAt: number }>();
  return {
    async add(check, dueAt) {
      if (!items.has(member(check))) items.set(member(check), { check, dueAt });
    },
    async takeDue(now, limit, leaseMs) {
      const due = [...items.values()].filter((i) => i.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt).slice(0, limit);
      for (const i of due) i.dueAt = now + leaseMs;
      return due.map((i) => ({ ...i.check }));
    },
    async reschedule(check, dueAt) {
      items.set(member(check), { check, dueAt });
    },
    async remove(check) {
      items.delete(member(check));
    },
    async size() {
      return items.size;
    },
  };
}

const TAKE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids == 0 then return {} end
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[3], id) end
return redis.call('HMGET', KEYS[2], unpack(ids))
`;

export function createRedisTranscriptSchedule(redis: Redis, prefix: string): TranscriptSchedule {
  // One hash tag: the take script and the transactions touch both keys (one Redis Cluster slot).
  const zkey = `${prefix}{transcriptpoll}:due`;
  const hkey = `${prefix}{transcriptpoll}:items`;
  return {
    async add(check, dueAt) {
      const m = member(check);
      await redis.multi().hsetnx(hkey, m, JSON.stringify(check)).zadd(zkey, 'NX', dueAt, m).exec();
    },
    async takeDue(now, limit, leaseMs) {
      const raw = (await redis.eval(TAKE, 2, zkey, hkey, now, limit, now + leaseMs)) as (string | null)[];
      return raw.map(parseCheck).filter((c): c is ScheduledCheck => c !== undefined);
    },
    async reschedule(check, dueAt) {
      const m = member(check);
      await redis.multi().hset(hkey, m, JSON.stringify(check)).zadd(zkey, dueAt, m).exec();
    },
    async remove(check) {
      const m = member(check);
      await redis.multi().zrem(zkey, m).hdel(hkey, m).exec();
    },
    async size() {
      return redis.zcard(zkey);
    },
  };
}
