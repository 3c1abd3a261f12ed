import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { makeClients } from './support/clients.js';

/**
 * Two gateway instances (separate ioredis clients and GongClients, one sandbox, one redis-server)
 * share Gong's 429 pause and survive a Redis restart. That they share the window is proved once,
 * through two real processes: test/resilience/two-gateway-processes.test.ts. The limit is above
 * Gong's 3/s so that sixteen requests take about two windows, not five.
 */
const RATE = 7;
describeRedis('the budget shared through Redis by two instances', () => {
  let sb: Sandbox;
  let server: RedisServer;
  const redisClients: Redis[] = [];
  let ids: string[] = [];

  const instance = (keyPrefix: string) => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on('error', () => undefined); // expected while the server restarts
    redisClients.push(redis);
    return makeClients(sb, { redis, keyPrefix, limits: { perSecond: RATE } });
  };

  beforeAll(async () => {
    server = await startRedis();
    sb = await startSandbox({
      users: 60,
      calls: 10,
      rateLimit: { perSecond: RATE, perDay: 10_000 },
    });
    const boot = makeClients(sb, { limits: { perSecond: RATE } });
    ids = (await boot.client('default').listUsers()).items.map((u) => u.id);
    await boot.close();
  });
  afterAll(async () => {
    for (const r of redisClients) r.disconnect();
    await sb.close();
    await server.stop();
  });

  // Each test has its own key prefix (a fresh shared window) and the sandbox forgets earlier arrivals.
  const settle = () => {
    sb.control.resetRateLimit();
    sb.control.resetLog();
  };

  it('pauses the other instance when one sees a 429 until Retry-After has passed', async () => {
    settle();
    const a = instance('shared2:');
    const b = instance('shared2:');
    sb.control.addFault({
      pathPrefix: '/v2/workspaces',
      kind: { type: 'status', status: 429, retryAfterSeconds: 1 },
      count: 1,
    });
    await a.client('default').listWorkspaces();
    const seen429 = sb.control.requestLog().find((e) => e.status === 429);
    expect(seen429).toBeDefined();
    await b.client('default').getUser(ids[0]!);
    const bArrival = sb.control.requestLog().find((e) => e.endpoint === 'GET /v2/users/{id}');
    expect(bArrival!.at - seen429!.at).toBeGreaterThanOrEqual(900);
    await a.close();
    await b.close();
  }, 20_000);

  it('loses no request when redis-server restarts in the middle of a run', async () => {
    settle();
    const a = instance('shared3:');
    const b = instance('shared3:');
    const some = ids.slice(0, 16);
    let done = 0;
    let fourDone!: () => void;
    const four = new Promise<void>((r) => (fourDone = r));
    const all = some.map((id, i) =>
      (i % 2 === 0 ? a : b)
        .client('default')
        .getUser(id)
        .then((u) => {
          if (++done === 4) fourDone();
          return u;
        }),
    );
    await four;
    await server.restart();
    const results = await Promise.all(all);
    expect(results.map((u) => u?.id)).toEqual(some);
    // Every one reached Gong and succeeded in the end (429s, if the fallback overlapped, were retried).
    const ok = sb.control.requestLog().filter((e) => e.status === 200);
    expect(ok.length).toBe(16);
    // After the restart both instances share the limiter again.
    await Promise.all(
      redisClients
        .filter((r) => r.status !== 'ready')
        .map((r) => new Promise((ready) => r.once('ready', ready))),
    );
    expect(redisClients.every((r) => r.status === 'ready')).toBe(true);
    await a.close();
    await b.close();
  }, 30_000);
});
