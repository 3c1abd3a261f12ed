/**
 * Two gateway instances sharing one real redis-server: one refresh across both (the SET NX PX
 * lock), and nothing but ciphertext in Redis after a connect and a refresh.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTokenCrypto } from '../../src/store/crypto.js';
import { createRedisClient, createRedisStore, type Redis } from '../../src/store/redis.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { startHarness, type Harness } from './oauth-harness.js';

describeRedis('connections in Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  let h: Harness | undefined;
  let n = 0;
  beforeAll(async () => {
    server = await startRedis();
    redis = createRedisClient(server.url);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  const harness = (now?: () => number) =>
    startHarness({
      store: createRedisStore(redis, `gg${++n}:`),
      crypto: createTokenCrypto({ key: randomBytes(32) }),
      ...(now ? { now } : {}),
    });
  const refreshes = (x: Harness) => x.tokenRequests.filter((r) => r.grantType === 'refresh_token');

  it('two instances make one refresh for 50 concurrent requests after Gong expired the token', async () => {
    h = await harness();
    expect((await h.connect('acme')).status).toBe(200);
    const a = h.registry;
    const b = h.anotherInstance();
    const old = await a.authorization('acme');
    expect(await b.authorization('acme')).toBe(old);
    h.sandbox.control.expireAccessTokens();

    const all = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a : b).authorization('acme', { forceRefresh: true }),
      ),
    );
    expect(refreshes(h)).toHaveLength(1);
    expect(new Set(all).size).toBe(1);
    expect(all[0]).not.toBe(old);
    const status = await fetch(`${h.sandbox.tenantUrl}/v2/users`, {
      headers: { authorization: all[0]! },
    }).then((r) => r.status);
    expect(status).toBe(200);
  });

  it('two instances make one refresh when the token nears expiry on both clocks', async () => {
    let t = Date.now();
    h = await harness(() => t);
    expect((await h.connect('acme')).status).toBe(200);
    const instances = [h.registry, h.anotherInstance(), h.anotherInstance()];
    t += 86_400_000;
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) => instances[i % 3]!.authorization('acme')),
    );
    expect(refreshes(h)).toHaveLength(1);
    expect(new Set(all).size).toBe(1);
  });

  it('keeps nothing but ciphertext in Redis: no access or refresh token anywhere', async () => {
    let t = Date.now();
    h = await harness(() => t);
    expect((await h.connect('acme')).status).toBe(200);
    t += 86_400_000;
    await h.registry.authorization('acme'); // a refresh writes a second pair of tokens
    await h.flow.start({ connectionRef: 'pending' }); // and an OAuth state sits there too
    expect(h.tokenResponses).toHaveLength(2);
    const secrets = h.tokenResponses
      .flatMap((r) => [r.access_token, r.refresh_token ?? ''])
      .filter((s) => s.length > 0);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    secrets.push(h.sandbox.oauth.clientSecret);

    const dump: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 100);
      cursor = next;
      for (const key of keys) {
        dump.push(key);
        const type = await redis.type(key);
        if (type === 'string') dump.push((await redis.get(key)) ?? '');
        else if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') dump.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, 0, -1)));
        else if (type === 'stream') dump.push(JSON.stringify(await redis.xrange(key, '-', '+')));
        else throw new Error(`unexpected Redis type ${type} at ${key}`);
      }
    } while (cursor !== '0');

    const text = dump.join('\n');
    expect(text).toContain(`gg${n}:conn:acme`);
    expect(text).toMatch(/"sealedTokens":"v1\./);
    for (const s of secrets) expect(text).not.toContain(s);
  });
});
