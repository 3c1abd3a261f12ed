/**
 * The transcript-interest seam, in memory and in Redis (where every instance's poller sees every
 * instance's subscribers): a lease on one call or on every call of a connection, renewed, released,
 * or expired on an injected clock; one connection's interest never answers another's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_CALLS,
  createMemoryTranscriptInterest,
  createRedisTranscriptInterest,
  type TranscriptInterest,
} from '../../src/events/transcript-interest.js';
import { describeRedis, redisSuite } from '../support/redis.js';

function behaves(make: (now: () => number) => Promise<TranscriptInterest>) {
  it('answers the calls someone waits for, until the lease is released or expires', async () => {
    let clock = 1_000_000;
    const interest = await make(() => clock);
    expect(await interest.wanted('a', ['1', '2'])).toEqual(new Set());

    const one = await interest.want('a', '1', 'read-model', { ttlMs: 60_000 });
    expect(await interest.wanted('a', ['1', '2'])).toEqual(new Set(['1']));
    expect(await interest.wanted('b', ['1', '2'])).toEqual(new Set());

    const all = await interest.want('a', ALL_CALLS, 'subscriber', { ttlMs: 10_000 });
    expect(await interest.wanted('a', ['1', '2'])).toEqual(new Set(['1', '2']));
    clock += 10_000; // the subscriber's lease ran out
    expect(await interest.wanted('a', ['1', '2'])).toEqual(new Set(['1']));
    await all.renew(); // renewed from now
    clock += 9_000;
    expect(await interest.wanted('a', ['2'])).toEqual(new Set(['2']));
    await all.release();
    await one.release();
    expect(await interest.wanted('a', ['1', '2'])).toEqual(new Set());
  });

  it('a stable holder renews one lease; Infinity lasts until released', async () => {
    let clock = 5_000_000;
    const interest = await make(() => clock);
    await interest.want('c', ALL_CALLS, 'sync', { holder: 'chain', ttlMs: 1_000 });
    const again = await interest.want('c', ALL_CALLS, 'sync', { holder: 'chain', ttlMs: 1_000 });
    await again.release(); // one lease: releasing it ends the interest
    expect(await interest.wanted('c', ['9'])).toEqual(new Set());
    const forever = await interest.want('c', '9', 'read-model', { ttlMs: Infinity });
    clock += 365 * 86_400_000;
    expect(await interest.wanted('c', ['9'])).toEqual(new Set(['9']));
    await forever.release();
  });
}

describe('transcript interest in memory', () => {
  behaves((now) => Promise.resolve(createMemoryTranscriptInterest({ now })));
});

describeRedis('transcript interest in Redis', () => {
  const redis = redisSuite();
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  let n = 0;
  behaves(async (now) => createRedisTranscriptInterest(await redis.connect(), `t${n++}:`, { now }));
});
