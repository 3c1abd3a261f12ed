import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullReadCache } from '../../src/cache/full-read-cache.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { describeRedis, redisSuite } from '../support/redis.js';

/** A loader that counts its runs; each run waits for `gate` (a test opens it once every caller is in). */
const counting = <T>(value: T, gate: Promise<void> = Promise.resolve()) => {
  const calls = { n: 0 };
  const loader = async () => {
    calls.n += 1;
    await gate;
    return value;
  };
  return { calls, loader };
};

describe('the in-memory full-read cache', () => {
  it('runs the loader once for concurrent misses and serves hits until the TTL passes', async () => {
    let t = 0;
    const metrics = createMetrics();
    const cache = createFullReadCache({ now: () => t, metrics, staleSeconds: 0 });
    let open!: () => void;
    const { calls, loader } = counting({ id: '1' }, new Promise<void>((r) => (open = r)));
    const pending = Promise.all(
      Array.from({ length: 5 }, () => cache.getOrLoad('c1', 'users:1', 300, loader, 'users')),
    );
    open();
    const all = await pending;
    expect(calls.n).toBe(1);
    for (const v of all) expect(v).toEqual({ id: '1' });
    t = 299_999;
    await cache.getOrLoad('c1', 'users:1', 300, loader, 'users');
    expect(calls.n).toBe(1);
    t = 300_000;
    await cache.getOrLoad('c1', 'users:1', 300, loader, 'users');
    expect(calls.n).toBe(2);
    const results = Object.fromEntries(
      (await metrics.cacheLookups.get()).values.map((v) => [String(v.labels.result), v.value]),
    );
    expect(results).toEqual({ miss: 2, shared: 4, hit: 1 });
  });

  it('keeps connections apart, caches negative results and bypasses with TTL 0', async () => {
    const cache = createFullReadCache();
    const nothing = counting(null);
    expect(await cache.getOrLoad('c1', 'users:9', 60, nothing.loader)).toBeNull();
    expect(await cache.getOrLoad('c1', 'users:9', 60, nothing.loader)).toBeNull();
    expect(nothing.calls.n).toBe(1);
    await cache.getOrLoad('c2', 'users:9', 60, nothing.loader);
    expect(nothing.calls.n).toBe(2);
    const bypass = counting(1);
    await cache.getOrLoad('c1', 'x', 0, bypass.loader);
    await cache.getOrLoad('c1', 'x', 0, bypass.loader);
    expect(bypass.calls.n).toBe(2);
    await cache.invalidate('c1');
    await cache.getOrLoad('c1', 'users:9', 60, nothing.loader);
    expect(nothing.calls.n).toBe(3);
  });

  it('does not cache a failed load', async () => {
    const cache = createFullReadCache();
    let n = 0;
    const flaky = () =>
      ++n === 1 ? Promise.reject(new Error('Gong down')) : Promise.resolve('ok');
    await expect(cache.getOrLoad('c1', 'k', 60, flaky)).rejects.toThrow('Gong down');
    expect(await cache.getOrLoad('c1', 'k', 60, flaky)).toBe('ok');
  });
});

describeRedis('the Redis full-read cache', () => {
  const redis = redisSuite();
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  const connect = () => redis.connect();

  it('shares values between instances and expires them with PX', async () => {
    const ra = await connect();
    const a = createFullReadCache({ redis: ra, keyPrefix: 'cc:', staleSeconds: 0 });
    const b = createFullReadCache({ redis: await connect(), keyPrefix: 'cc:', staleSeconds: 0 });
    const { calls, loader } = counting({ workspaces: ['1', '2'] });
    expect(await a.getOrLoad('c1', 'workspaces', 1, loader)).toEqual({ workspaces: ['1', '2'] });
    expect(await b.getOrLoad('c1', 'workspaces', 1, loader)).toEqual({ workspaces: ['1', '2'] });
    expect(calls.n).toBe(1);
    const pttl = await ra.pttl('cc:cache:c1:workspaces');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(1000);
  });

  it('falls through to the loader when Redis is gone', async () => {
    const r = await connect();
    const cache = createFullReadCache({ redis: r, keyPrefix: 'cc2:' });
    r.disconnect();
    const { calls, loader } = counting('fresh');
    expect(await cache.getOrLoad('c1', 'k', 60, loader)).toBe('fresh');
    expect(calls.n).toBe(1);
  });
});
