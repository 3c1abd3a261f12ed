import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, createMemoryLimiter, windowOf } from '../../src/scheduler/limiter.js';

/** The most starts found in any window of `windowMs` (sliding over every start). */
function maxInWindow(starts: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while ((starts[i] ?? 0) - (starts[j] ?? 0) >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('the in-process sliding window', () => {
  it('never admits more than perSecond starts in any window of 1 s + margin, whatever the arrival pattern', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 20, maxLength: 120 }), fc.integer({ min: 1, max: 5 }), async (gaps, perSecond) => {
        let t = 1_000_000;
        const limiter = createMemoryLimiter({ perSecond, perDay: 10_000, now: () => t });
        const starts: number[] = [];
        for (const gap of gaps) {
          t += gap;
          const a = await limiter.tryAcquire();
          if (a.ok) starts.push(t);
        }
        expect(maxInWindow(starts, 1100)).toBeLessThanOrEqual(perSecond);
      }),
      { numRuns: 200 },
    );
  });

  it('admits the next start exactly when the wait it reported has passed (full throughput)', async () => {
    let t = 0;
    const limiter = createMemoryLimiter({ perSecond: 3, perDay: 10_000, now: () => t });
    const starts: number[] = [];
    while (starts.length < 30) {
      const a = await limiter.tryAcquire();
      if (a.ok) starts.push(t);
      else t += a.waitMs;
    }
    expect(maxInWindow(starts, 1100)).toBe(3);
    // 30 starts at 3 per 1.1 s: the last one at 9 × 1.1 s.
    expect(starts.at(-1)).toBe(9 * 1100);
  });

  it('spreads fractional rates: 0.5/s is one start per 2.1 s', () => {
    expect(windowOf({ perSecond: 0.5, perDay: 1 })).toEqual({ slots: 1, windowMs: 2100 });
    expect(windowOf({ perSecond: 3, perDay: 1, safetyMarginMs: 0 })).toEqual({ slots: 3, windowMs: 1000 });
    expect(() => windowOf({ perSecond: 0, perDay: 1 })).toThrow(/perSecond must be a positive number, but got: 0/);
  });

  it('refuses starts once the daily budget is spent until the next UTC day, then admits again', async () => {
    let t = 5 * DAY_MS + 1000;
    const limiter = createMemoryLimiter({ perSecond: 100, perDay: 3, now: () => t });
    for (let i = 0; i < 3; i++) {
      t += 20;
      expect(await limiter.tryAcquire()).toMatchObject({ ok: true, remainingToday: 2 - i });
    }
    t += 20;
    const refused = await limiter.tryAcquire();
    expect(refused).toMatchObject({ ok: false, reason: 'budget', remainingToday: 0, waitMs: 6 * DAY_MS - t });
    t = 6 * DAY_MS;
    expect(await limiter.tryAcquire()).toMatchObject({ ok: true, remainingToday: 2 });
  });

  it('holds every start during a pause, and a shorter pause never shortens a running one', async () => {
    let t = 10_000;
    const limiter = createMemoryLimiter({ perSecond: 3, perDay: 100, now: () => t });
    await limiter.pause(5000);
    await limiter.pause(1000);
    expect(await limiter.tryAcquire()).toMatchObject({ ok: false, reason: 'paused', waitMs: 5000 });
    t += 5000;
    expect(await limiter.tryAcquire()).toMatchObject({ ok: true });
  });
});
