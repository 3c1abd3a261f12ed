/** Builds a GongClients against a sandbox for tests: small backoffs, fast breaker, silent logs. */
import type { Redis } from 'ioredis';
import type { Connection, ConnectionRegistry } from '../../../src/connections/types.js';
import { createAccessKeyRegistry } from '../../../src/connections/access-key.js';
import {
  createGongClients,
  type GongClients,
  type GongClientsDeps,
  type GongLimits,
} from '../../../src/gong/clients.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { RequestLogEntry, Sandbox } from '../../../src/sandbox/types.js';

/** Above Gong's 3/s (proved once, in burst-stays-within-gong-rate), so tests do not wait on it. */
export const testLimits: GongLimits = {
  perSecond: 50,
  perDay: 10_000,
  queueMax: 1000,
  queueTimeoutMs: 20_000,
  requestTimeoutMs: 5_000,
  maxRetries: 4,
  breakerThreshold: 8,
  breakerCooldownMs: 1_000,
  retryBaseMs: 20,
  retryMaxMs: 200,
};

export function accessKeyRegistry(sb: Sandbox): ConnectionRegistry {
  return createAccessKeyRegistry({
    baseUrl: sb.url,
    accessKey: sb.accessKey,
    accessKeySecret: sb.accessKeySecret,
  });
}

/** A real registry for tests whose connections carry their own scopes and status (Basic auth underneath). */
export function scopedRegistry(
  sb: Sandbox,
  connections: Array<Pick<Connection, 'ref' | 'scopes' | 'status'>>,
): ConnectionRegistry {
  const basic = accessKeyRegistry(sb);
  const at = new Date().toISOString();
  const byRef = new Map(
    connections.map((c) => [
      c.ref,
      { ...c, authKind: 'OAUTH' as const, baseUrl: sb.url, createdAt: at, updatedAt: at },
    ]),
  );
  return {
    get: (ref) => Promise.resolve(byRef.get(ref) ?? null),
    list: () => Promise.resolve([...byRef.values()]),
    authorization: () => basic.authorization('default'),
  };
}

export function makeClients(
  sb: Sandbox,
  over: Partial<Omit<GongClientsDeps, 'limits'>> & {
    limits?: Partial<GongLimits>;
    redis?: Redis;
  } = {},
): GongClients & { metrics: Metrics } {
  const metrics = over.metrics ?? createMetrics();
  const clients = createGongClients({
    registry: over.registry ?? accessKeyRegistry(sb),
    keyPrefix: over.keyPrefix ?? `t${Math.random().toString(36).slice(2, 8)}:`,
    metrics,
    logger: over.logger ?? silentLogger(),
    ...over,
    limits: { ...testLimits, ...over.limits },
  });
  return Object.assign(clients, { metrics });
}

/** The most `/v2/` arrivals the sandbox saw in any window of `windowMs`. */
export function maxArrivalsInWindow(log: RequestLogEntry[], windowMs = 1000): number {
  const at = log
    .filter((e) => e.path.startsWith('/v2/'))
    .map((e) => e.at)
    .sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while ((at[i] ?? 0) - (at[j] ?? 0) >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** Rejection of `p` as an object with `code` and `details` (fails the test when `p` resolves). */
export async function rejectionOf(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  const e: unknown = await p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)?.slice(0, 200)}`);
    },
    (err: unknown) => err,
  );
  if (typeof e !== 'object' || e === null || !('code' in e)) throw e;
  return e as { code: string; message: string; details: Record<string, unknown> };
}
