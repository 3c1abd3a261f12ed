/** One contract, two implementations: the memory store and the Redis store behave the same. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisClient, createRedisStore, type Redis } from '../../src/store/redis.js';
import type { KeyValueStore } from '../../src/store/types.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';

function contract(make: () => { store: KeyValueStore; advance: (ms: number) => Promise<void> }) {
  it('sets, gets and deletes', async () => {
    const { store } = make();
    expect(await store.get('a')).toBeNull();
    expect(await store.set('a', '1')).toBe(true);
    expect(await store.get('a')).toBe('1');
    await store.del('a');
    expect(await store.get('a')).toBeNull();
  });

  it('onlyIfAbsent writes once and reports whether it wrote', async () => {
    const { store } = make();
    expect(await store.set('nx', 'first', { onlyIfAbsent: true })).toBe(true);
    expect(await store.set('nx', 'second', { onlyIfAbsent: true })).toBe(false);
    expect(await store.get('nx')).toBe('first');
  });

  it('take returns the value once, then nothing (single use)', async () => {
    const { store } = make();
    await store.set('state', 'bound');
    const both = await Promise.all([store.take('state'), store.take('state')]);
    expect(both.filter((v) => v === 'bound')).toHaveLength(1);
    expect(await store.get('state')).toBeNull();
  });

  it('expires keys after ttlMs', async () => {
    const { store, advance } = make();
    await store.set('ttl', 'x', { ttlMs: 30 });
    expect(await store.get('ttl')).toBe('x');
    await advance(60);
    expect(await store.get('ttl')).toBeNull();
    expect(await store.set('ttl', 'y', { onlyIfAbsent: true })).toBe(true);
  });

  it('lists keys by literal prefix', async () => {
    const { store } = make();
    await store.set('conn:a*', '1');
    await store.set('conn:b', '2');
    await store.set('other', '3');
    expect((await store.keys('conn:')).sort()).toEqual(['conn:a*', 'conn:b']);
    expect(await store.keys('conn:a*')).toEqual(['conn:a*']);
    await store.ping();
  });
}

describe('memory store', () => {
  contract(() => {
    let t = 1_000;
    return {
      store: createMemoryStore({ now: () => t }),
      advance: (ms) => Promise.resolve(void (t += ms)),
    };
  });
});

describeRedis('redis store', () => {
  let server: RedisServer;
  let redis: Redis;
  let n = 0;
  beforeAll(async () => {
    server = await startRedis();
    redis = createRedisClient(server.url);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  contract(() => ({
    // A fresh prefix per test keeps tests independent on one server.
    store: createRedisStore(redis, `t${++n}:`),
    advance: async (ms) => {
      const deadline = Date.now() + ms * 20;
      // Redis expiry runs on its own clock: poll until the key is gone (PTTL -2). A PTTL of 0 means
      // under a millisecond is left, not that the key has expired.
      while (Date.now() < deadline && (await redis.pttl(`t${n}:ttl`)) !== -2)
        await new Promise((r) => setTimeout(r, 10));
    },
  }));

  it('queues commands during a Redis restart instead of failing them', async () => {
    const store = createRedisStore(redis, 'restart:');
    await store.set('before', '1');
    await server.restart();
    // The restarted server is empty; the write must go through once the client reconnects.
    expect(await store.set('after', '2')).toBe(true);
    expect(await store.get('after')).toBe('2');
  });
});
