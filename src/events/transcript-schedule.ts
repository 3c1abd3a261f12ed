/**
 * The transcript poller's schedule: which calls still wait for their transcript, when each is
 * due next and how many checks it has had. Kept in the store (memory, or Redis so it survives a
 * restart and is shared). Taking due items leases them (moves their due time forward by
 * `leaseMs`) instead of removing them, so an instance that dies mid-check loses nothing: the
 * items come due again. With Redis the take is one Lua script: two instances never take the
 * same item at once.
 */
import type { ReportCorruptEntry } from '../observability/corrupt-entries.js';
import type { Redis } from '../store/redis.js';
import { promised } from '../util/promised.js';

export interface ScheduledCheck {
  connectionRef: string;
  callId: string;
  /** Checks done so far. */
  attempt: number;
  /** ms since epoch of the call.created event: the check ladder starts here. */
  firstAt: number;
  isPrivate: boolean;
  /** When to stop waiting (entries written before it existed: the poller's default). */
  giveUpAt?: number;
  /** Why the call gives up early (short, no-media, no-speech), for logs. */
  mark?: string;
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

const member = (c: Pick<ScheduledCheck, 'connectionRef' | 'callId'>) =>
  `${c.connectionRef}\u0000${c.callId}`;

type ParsedCheck = { ok: true; check: ScheduledCheck } | { ok: false; problem: string };

function parseCheck(json: string | null | undefined): ParsedCheck {
  if (!json) return { ok: false, problem: 'due without an entry' };
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  if (
    typeof o.connectionRef !== 'string' ||
    typeof o.callId !== 'string' ||
    typeof o.attempt !== 'number' ||
    typeof o.firstAt !== 'number'
  )
    return {
      ok: false,
      problem: 'not a scheduled check (connectionRef, callId, attempt, firstAt)',
    };
  return {
    ok: true,
    check: {
      connectionRef: o.connectionRef,
      callId: o.callId,
      attempt: o.attempt,
      firstAt: o.firstAt,
      isPrivate: o.isPrivate === true,
      ...(typeof o.giveUpAt === 'number' ? { giveUpAt: o.giveUpAt } : {}),
      ...(typeof o.mark === 'string' ? { mark: o.mark } : {}),
    },
  };
}

export function createMemoryTranscriptSchedule(): TranscriptSchedule {
  const items = new Map<string, { check: ScheduledCheck; dueAt: number }>();
  return {
    add: (check, dueAt) =>
      promised(() => {
        if (!items.has(member(check))) items.set(member(check), { check, dueAt });
      }),
    takeDue: (now, limit, leaseMs) =>
      promised(() => {
        const due = [...items.values()]
          .filter((i) => i.dueAt <= now)
          .sort((a, b) => a.dueAt - b.dueAt)
          .slice(0, limit);
        for (const i of due) i.dueAt = now + leaseMs;
        return due.map((i) => ({ ...i.check }));
      }),
    reschedule: (check, dueAt) =>
      promised(() => {
        items.set(member(check), { check, dueAt });
      }),
    remove: (check) =>
      promised(() => {
        items.delete(member(check));
      }),
    size: () => Promise.resolve(items.size),
  };
}

const TAKE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids == 0 then return {{}, {}} end
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[3], id) end
return {ids, redis.call('HMGET', KEYS[2], unpack(ids))}
`;

/**
 * @param reportCorrupt An entry that does not parse is removed (else its lease would expire and it
 *   would be taken again forever) and reported: logged and counted once.
 */
export function createRedisTranscriptSchedule(
  redis: Redis,
  prefix: string,
  reportCorrupt?: ReportCorruptEntry,
): TranscriptSchedule {
  // One hash tag: the take script and the transactions touch both keys (one Redis Cluster slot).
  const zkey = `${prefix}{transcriptpoll}:due`;
  const hkey = `${prefix}{transcriptpoll}:items`;
  return {
    async add(check, dueAt) {
      const m = member(check);
      await redis.multi().hsetnx(hkey, m, JSON.stringify(check)).zadd(zkey, 'NX', dueAt, m).exec();
    },
    async takeDue(now, limit, leaseMs) {
      const [ids, raw] = (await redis.eval(TAKE, 2, zkey, hkey, now, limit, now + leaseMs)) as [
        string[],
        (string | null)[],
      ];
      const checks: ScheduledCheck[] = [];
      for (const [i, m] of ids.entries()) {
        const parsed = parseCheck(raw[i]);
        if (parsed.ok) {
          checks.push(parsed.check);
          continue;
        }
        reportCorrupt?.(
          'transcript_schedule',
          `${hkey}#${m.replace('\u0000', '/')}`,
          parsed.problem,
        );
        await redis.multi().zrem(zkey, m).hdel(hkey, m).exec();
      }
      return checks;
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
