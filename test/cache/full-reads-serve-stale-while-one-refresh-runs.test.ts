/**
 * Once a full read has data, no caller waits for its loader again: past the TTL the cached value is
 * served while one background refresh (per key; across instances with Redis) replaces it; a failed
 * refresh keeps the stale value; past the stale window the caller waits again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullReadCache } from '../../src/cache/full-read-cache.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { describeRedis, redisSuite } from '../support/redis.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A loader whose n-th call returns the n-th deferred's promise; `called(n)` resolves once it was called n times. */
function scripted<T>() {
  const calls: Deferred<T>[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  return {
    calls,
    loader: () => {
      const d = deferred<T>();
      calls.push(d);
      for (const w of waiting.filter((w) => calls.length >= w.n)) w.resolve();
      return d.promise;
    },
    called(n: number): Promise<void> {
      if (calls.length >= n) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push({ n, resolve }));
    },
  };
}

describe('stale-while-revalidate in memory', () => {
  it('serves the stale value at once while one refresh runs, then the refreshed one', async () => {
    let t = 0;
    const metrics = createMetrics();
    const cache = createFullReadCache({ now: () => t, metrics, staleSeconds: 3_600 });
    const s = scripted<string>();
    const first = cache.getOrLoad('c1', 'flows:*', 60, s.loader, 'flows');
    await s.called(1);
    s.calls[0]!.resolve('v1');
    expect(await first).toBe('v1');

    t = 61_000; // past the TTL: three callers get v1 at once, and one refresh starts
    const stale = await Promise.all(
      [1, 2, 3].map(() => cache.getOrLoad('c1', 'flows:*', 60, s.loader, 'flows')),
    );
    expect(stale).toEqual(['v1', 'v1', 'v1']);
    expect(s.calls).toHaveLength(2);
    s.calls[1]!.resolve('v2');
    await cache.settled();
    expect(await cache.getOrLoad('c1', 'flows:*', 60, s.loader, 'flows')).toBe('v2');
    expect(s.calls).toHaveLength(2);

    const results = Object.fromEntries(
      (await metrics.cacheLookups.get()).values.map((v) => [String(v.labels.result), v.value]),
    );
    // The three concurrent callers share one lookup.
    expect(results).toMatchObject({ miss: 1, shared: 2, stale: 1, refreshed: 1, hit: 1 });
  });

  it('keeps the stale value when the refresh fails, and waits again once the stale window is over', async () => {
    let t = 0;
    const cache = createFullReadCache({ now: () => t, staleSeconds: 600 });
    const s = scripted<string>();
    const first = cache.getOrLoad('c1', 'workspaces', 60, s.loader);
    await s.called(1);
    s.calls[0]!.resolve('v1');
    await first;
    t = 120_000;
    expect(await cache.getOrLoad('c1', 'workspaces', 60, s.loader)).toBe('v1');
    s.calls[1]!.reject(new Error('Gong down'));
    await cache.settled();
    expect(await cache.getOrLoad('c1', 'workspaces', 60, s.loader)).toBe('v1'); // another refresh starts
    expect(s.calls).toHaveLength(3);
    s.calls[2]!.reject(new Error('still down'));
    await cache.settled();

    t = 60_000 + 600_000; // TTL + stale window: nothing to serve, the caller waits for the loader
    const waiting = cache.getOrLoad('c1', 'workspaces', 60, s.loader);
    await s.called(4);
    s.calls[3]!.resolve('v3');
    expect(await waiting).toBe('v3');
  });
});

describe('per-kind TTL', () => {
  it("a kind with its own TTL (flows: a refresh costs a request per user) outlives the caller's TTL", async () => {
    let t = 0;
    const cache = createFullReadCache({ now: () => t, ttlByKind: { flows: 3_600 } });
    let n = 0;
    const load = () => Promise.resolve(++n);
    await cache.getOrLoad('c1', 'flows:*', 60, load, 'flows');
    await cache.getOrLoad('c1', 'workspaces', 60, load, 'workspaces');
    t = 61_000;
    await cache.getOrLoad('c1', 'flows:*', 60, load, 'flows');
    expect(n).toBe(2); // flows still fresh
    await cache.getOrLoad('c1', 'workspaces', 60, load, 'workspaces');
    await cache.settled();
    expect(n).toBe(3); // workspaces refreshed in the background
  });
});

describeRedis('stale-while-revalidate shared through Redis', () => {
  const redis = redisSuite();
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  const connect = () => redis.connect();

  it('two instances serve the stale value and only one of them refreshes', async () => {
    let t = Date.now();
    const a = createFullReadCache({
      redis: await connect(),
      keyPrefix: 'swr:',
      now: () => t,
      staleSeconds: 3_600,
    });
    const b = createFullReadCache({
      redis: await connect(),
      keyPrefix: 'swr:',
      now: () => t,
      staleSeconds: 3_600,
    });
    const s = scripted<{ n: number }>();
    const first = a.getOrLoad('c1', 'flows:*', 60, s.loader);
    await s.called(1);
    s.calls[0]!.resolve({ n: 1 });
    await first;

    t += 61_000;
    expect(await a.getOrLoad('c1', 'flows:*', 60, s.loader)).toEqual({ n: 1 });
    expect(await b.getOrLoad('c1', 'flows:*', 60, s.loader)).toEqual({ n: 1 });
    await s.called(2);
    s.calls[1]!.resolve({ n: 2 });
    await a.settled();
    await b.settled();
    expect(s.calls).toHaveLength(2); // one refresh across both instances (a Redis lock)
    expect(await b.getOrLoad('c1', 'flows:*', 60, s.loader)).toEqual({ n: 2 });
  });
});
