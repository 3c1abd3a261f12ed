/**
 * `/healthz` answers while the process serves; `/readyz` checks the store, Redis and the event
 * log: 200 while they answer, 503 naming the failing parts (without addresses) when Redis stops,
 * 200 again once it is back.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { eventually } from './support.js';

interface Readiness {
  status: string;
  failing?: string[];
  checks: Record<string, string>;
}

const readyz = async (h: Harness) => {
  const res = await fetch(new URL('/readyz', h.gateway.url));
  return { status: res.status, body: (await res.json()) as Readiness };
};

describe('health and readiness without Redis', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('/healthz is 200 and echoes a given x-request-id', async () => {
    const res = await fetch(new URL('/healthz', h.gateway.url), {
      headers: { 'x-request-id': 'probe-123' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toBe('probe-123');
  });

  it('/readyz is 200 with the in-memory store and event log checked, and says how the reconciler keeps up', async () => {
    const r = await readyz(h);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'ready',
      checks: { store: 'ok', event_log: 'ok' },
      details: { reconciler: 'ok' },
    });
  });
});

describeRedis('readiness with Redis', () => {
  let redis: RedisServer;
  let h: Harness;
  beforeAll(async () => {
    redis = await startRedis();
    h = await startHarness({
      env: { REDIS_URL: redis.url, TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32) },
    });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('is ready while Redis answers, 503 with the failing parts when it stops, ready again after a restart', async () => {
    const up = await readyz(h);
    expect(up.status).toBe(200);
    expect(up.body.checks).toEqual({ store: 'ok', redis: 'ok', event_log: 'ok' });

    // Stop the server from inside (the helper's restart() then starts it again on the same port).
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    await admin.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    admin.disconnect();
    const down = await readyz(h);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
    expect(down.body.failing).toEqual(expect.arrayContaining(['store', 'redis', 'event_log']));
    for (const reason of Object.values(down.body.checks)) {
      expect(reason).not.toBe('ok');
      expect(reason).not.toMatch(/redis:\/\/|127\.0\.0\.1|\n|at .*\(/);
    }
    // Liveness does not depend on Redis.
    expect((await fetch(new URL('/healthz', h.gateway.url))).status).toBe(200);

    await redis.restart();
    const back = await eventually(
      async () => {
        const r = await readyz(h);
        return r.status === 200 ? r : undefined;
      },
      15_000,
      'readiness after the Redis restart',
    );
    expect(back.body.checks).toEqual({ store: 'ok', redis: 'ok', event_log: 'ok' });
  });
});
