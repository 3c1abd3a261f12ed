/**
 * `GET /readyz`: whether this instance can serve, i.e. whether every dependency it was built
 * with answers: the store, Redis (with REDIS_URL) and the event log. Checks run in parallel, each
 * bounded by `timeoutMs` (ioredis queues commands while Redis is down instead of failing them, so
 * without a bound a check would hang). 200 `{status:'ready', checks}` or 503
 * `{status:'not_ready', failing, checks}`; a reason is one sanitised line: no stack, no URL, no
 * address. Liveness is `/healthz` (health-route.ts), which checks nothing.
 */
import type { EventLog } from '../events/event-log.js';
import type { KeyValueStore } from '../store/types.js';
import { sendJson } from './respond.js';
import type { Route } from './router.js';

export interface ReadinessCheck {
  /** Shown in the answer, e.g. `store`, `redis`, `event_log`. */
  name: string;
  /** Resolves when the dependency answers (optionally with details to show); rejects (or never settles) otherwise. */
  check(): Promise<void | Record<string, unknown>>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
  failing: string[];
  /** What passing checks had to say (e.g. the read model's fill progress). */
  details: Record<string, Record<string, unknown>>;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  EPIPE: 'connection closed',
};

/** One line that says why, without connection strings, addresses or stacks. */
export function sanitiseReason(err: unknown): string {
  const code =
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
      ? (err as { code: string }).code
      : undefined;
  if (code !== undefined && NETWORK_CODES[code] !== undefined)
    return `${NETWORK_CODES[code]} (${code})`;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'failed';
  const line = (message.split('\n')[0] ?? '')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<address>')
    .replace(/\[[0-9a-f:]+\](:\d+)?/gi, '<address>')
    .trim();
  return (line || 'failed').slice(0, 160);
}

class CheckTimeout extends Error {}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check (in parallel, each bounded). Never throws. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const details: Record<string, Record<string, unknown>> = {};
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        let detail: Record<string, unknown> | undefined;
        await withTimeout(
          Promise.resolve()
            .then(() => c.check())
            .then((d) => void (detail = d ?? undefined)),
          timeoutMs,
        );
        if (detail) details[c.name] = detail;
        return [c.name, 'ok'] as const;
      } catch (err) {
        return [c.name, sanitiseReason(err)] as const;
      }
    }),
  );
  const failing = results.filter(([, r]) => r !== 'ok').map(([n]) => n);
  return { ready: failing.length === 0, checks: Object.fromEntries(results), failing, details };
}

export function readinessRoute(
  checks: readonly ReadinessCheck[],
  opts: {
    timeoutMs?: number;
    /** Facts that never fail readiness but an operator should see (e.g. a stretched reconciler). */
    details?: () => Record<string, string>;
  } = {},
): Route {
  const timeoutMs = opts.timeoutMs ?? 1_000;
  return {
    path: '/readyz',
    methods: ['GET', 'HEAD'],
    async handle({ res }) {
      const r = await runReadinessChecks(checks, timeoutMs);
      const headers = { 'cache-control': 'no-store' };
      const all: Record<string, unknown> = { ...r.details, ...opts.details?.() };
      const details = Object.keys(all).length > 0 ? { details: all } : {};
      if (r.ready) sendJson(res, 200, { status: 'ready', checks: r.checks, ...details }, headers);
      else
        sendJson(
          res,
          503,
          { status: 'not_ready', failing: r.failing, checks: r.checks, ...details },
          headers,
        );
    },
  };
}

/** The store answers (memory: always; Redis: PING). */
export const storeCheck = (store: KeyValueStore): ReadinessCheck => ({
  name: 'store',
  check: () => store.ping(),
});

/** A Redis client answers PING. */
export const redisCheck = (
  redis: { ping(): Promise<unknown> },
  name = 'redis',
): ReadinessCheck => ({
  name,
  check: async () => {
    await redis.ping();
  },
});

/** The event log has started live delivery and can be read (a replay of an empty stream). */
export const eventLogCheck = (log: EventLog): ReadinessCheck => ({
  name: 'event_log',
  check: async () => {
    await log.ready();
    const r = await log.replay('call.created', '__readyz__', '0-0', 1);
    if (!r.ok) throw new Error(`replay answered ${r.problem}`);
  },
});

/** The read model's database answers; the detail is its fill progress (summed over connections). */
export const readModelCheck = (model: {
  readiness(): Promise<Record<string, unknown>>;
}): ReadinessCheck => ({ name: 'read_model', check: () => model.readiness() });

/** The checks of a gateway built from config: only the dependencies it actually has. */
export function gatewayReadinessChecks(deps: {
  store?: KeyValueStore;
  redis?: { ping(): Promise<unknown> };
  eventLog?: EventLog;
  readModel?: { readiness(): Promise<Record<string, unknown>> } | undefined;
}): ReadinessCheck[] {
  return [
    ...(deps.store ? [storeCheck(deps.store)] : []),
    ...(deps.redis ? [redisCheck(deps.redis)] : []),
    ...(deps.eventLog ? [eventLogCheck(deps.eventLog)] : []),
    ...(deps.readModel ? [readModelCheck(deps.readModel)] : []),
  ];
}
