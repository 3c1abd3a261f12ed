import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { makeClients, maxArrivalsInWindow } from './support/clients.js';

/** Two gateway instances: separate ioredis clients and GongClients, one sandbox, one redis-server. */
describeRedis('the budget shared through Redis by two instances', () => {
  let sb: Sandbox;
  let server: RedisServer;
  const redisClients: Redis[] = [];
  let ids: string[] = [];

  const instance = (keyPrefix: string) => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on('error', () => undefined); // expected while the server restarts
    redisClients.push(redis);
    return makeClients(sb, { redis, keyPrefix });
  };

  beforeAll(async () => {
    server = await startRedis();
    sb = await startSandbox({ users: 60, calls: 10, rateLimit: { perSecond: 3, perDay: 10_000 } });
    const boot = makeClients(sb, { limits: { perSecond: 3 } });
    ids = (await boot.client('default').listUsers()).items.map((u) => u.id);
    await boot.close();
  });
  afterAll(async () => {
    for (const r of redisClients) r.disconnect();
    await sb.close();
    await server.stop();
  });

  const settle = async () => {
    // Let the previous test's window drain so its starts are not counted against this one.
    await new Promise((r) => setTimeout(r, 1200));
    sb.control.resetRateLimit();
    sb.control.resetLog();
  };

  it('keeps a combined burst of 30 within 3 arrivals per any 1 s window, with no 429', async () => {
    await settle();
    const a = instance('shared1:');
    const b = instance('shared1:');
    const half = ids.slice(0, 30);
    const results = await Promise.all(half.map((id, i) => (i % 2 === 0 ? a : b).client('default').getUser(id)));
    expect(results.map((u) => u?.id)).toEqual(half);
    const log = sb.control.requestLog();
    expect(log.length).toBe(30);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(maxArrivalsInWindow(log, 1000)).toBeLessThanOrEqual(3);
    await a.close();
    await b.close();
  }, 30_000);

  it("pauses the other instance when one sees a 429 until Retry-After has passed", async () => {
    await settle();
    const a = instance('shared2:');
    const b = instance('shared2:');
    sb.control.addFault({ pathPrefix: '/v2/workspaces', kind: { type: 'status', status: 429, retryAfterSeconds: 2 }, count: 1 });
    await a.client('default').listWorkspaces();
    const seen429 = sb.control.requestLog().find((e) => e.status === 429);
    expect(seen429).toBeDefined();
    await b.client('default').getUser(ids[0]!);
    const bArrival = sb.control.requestLog().find((e) => e.endpoint === 'GET /v2/users/{id}');
    expect(bArrival!.at - seen429!.at).toBeGreaterThanOrEqual(1900);
    await a.close();
    await b.close();
  }, 20_000);

  it('loses no request when redis-server restarts in the middle of a run', async () => {
    await settle();
    const a = instance('shared3:');
    const b = instance('shared3:');
    const some = ids.slice(0, 16);
    let done = 0;
    const all = some.map((id, i) =>
      (i % 2 === 0 ? a : b)
        .client('default')
        .getUser(id)
        .then((u) => (done++, u)),
    );
    const deadline = Date.now() + 10_000;
    while (done < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await server.restart();
    const results = await Promise.all(all);
    expect(results.map((u) => u?.id)).toEqual(some);
    // Every one reached Gong and succeeded in the end (429s, if the fallback overlapped, were retried).
    const ok = sb.control.requestLog().filter((e) => e.status === 200);
    expect(ok.length).toBe(16);
    // After the restart both instances share the limiter again.
    const deadline2 = Date.now() + 5_000;
    while (redisClients.some((r) => r.status !== 'ready') && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 20));
    expect(redisClients.every((r) => r.status === 'ready')).toBe(true);
    await a.close();
    await b.close();
  }, 30_000);
});
