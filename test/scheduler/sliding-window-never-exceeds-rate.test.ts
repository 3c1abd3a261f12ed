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
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 20, maxLength: 120 }),
        fc.integer({ min: 1, max: 5 }),
        async (gaps, perSecond) => {
          let t = 1_000_000;
          const limiter = createMemoryLimiter({
            perSecond,
            perDay: 10_000,
            arrivalSlackMs: 0,
            safetyMarginMs: 100,
            now: () => t,
          });
          const starts: number[] = [];
          for (const gap of gaps) {
            t += gap;
            const a = await limiter.tryAcquire();
            if (a.ok) starts.push(t);
          }
          expect(maxInWindow(starts, 1100)).toBeLessThanOrEqual(perSecond);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps arrivals within the rate even when each request reaches Gong any time before its answer', async () => {
    // Events in time order: start attempts at random gaps; each admitted start arrives at Gong at
    // some point before its answer, which comes within the arrival slack.
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 300 }),
            latency: fc.integer({ min: 1, max: 1000 }),
            where: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 20, maxLength: 80 },
        ),
        async (ops) => {
          let t = 0;
          const limiter = createMemoryLimiter({ perSecond: 3, perDay: 10_000, now: () => t });
          const pending: Array<{ at: number; settle: () => void }> = [];
          const arrivals: number[] = [];
          const runSettlesUntil = (until: number) => {
            pending.sort((a, b) => a.at - b.at);
            while (pending.length > 0 && (pending[0]?.at ?? Infinity) <= until) {
              const p = pending.shift()!;
              t = p.at;
              p.settle();
            }
          };
          for (const op of ops) {
            const next = t + op.gap;
            runSettlesUntil(next);
            t = next;
            const a = await limiter.tryAcquire();
            if (!a.ok) continue;
            arrivals.push(t + op.where * op.latency);
            // The memory limiter settles at once.
            pending.push({ at: t + op.latency, settle: () => void a.slot.settle() });
          }
          arrivals.sort((x, y) => x - y);
          expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(3);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts an unsettled start as arriving up to the slack late', async () => {
    let t = 0;
    const limiter = createMemoryLimiter({
      perSecond: 1,
      perDay: 100,
      arrivalSlackMs: 500,
      safetyMarginMs: 100,
      now: () => t,
    });
    const a = await limiter.tryAcquire();
    t = 200;
    expect(await limiter.tryAcquire()).toMatchObject({
      ok: false,
      reason: 'rate',
      waitMs: 500 + 1100 - 200,
    });
    // Its answer came at 200: the window now counts from there.
    if (a.ok) await a.slot.settle();
    expect(await limiter.tryAcquire()).toMatchObject({ ok: false, reason: 'rate', waitMs: 1100 });
  });

  it('admits the next start exactly when the wait it reported has passed (full throughput)', async () => {
    let t = 0;
    const limiter = createMemoryLimiter({
      perSecond: 3,
      perDay: 10_000,
      arrivalSlackMs: 0,
      safetyMarginMs: 100,
      now: () => t,
    });
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
    expect(windowOf({ perSecond: 0.5, perDay: 1, safetyMarginMs: 100 })).toEqual({
      slots: 1,
      windowMs: 2100,
      slackMs: 1000,
    });
    // The default margin is small: a start already counts from its answer, which Gong has seen.
    expect(windowOf({ perSecond: 3, perDay: 1 })).toEqual({
      slots: 3,
      windowMs: 1025,
      slackMs: 1000,
    });
    expect(windowOf({ perSecond: 3, perDay: 1, safetyMarginMs: 0, arrivalSlackMs: 0 })).toEqual({
      slots: 3,
      windowMs: 1000,
      slackMs: 0,
    });
    expect(() => windowOf({ perSecond: 0, perDay: 1 })).toThrow(
      /perSecond must be a positive number, but got: 0/,
    );
  });

  it('refuses starts once the daily budget is spent until the next UTC day, then admits again', async () => {
    let t = 5 * DAY_MS + 1000;
    const limiter = createMemoryLimiter({
      perSecond: 100,
      perDay: 3,
      arrivalSlackMs: 0,
      now: () => t,
    });
    for (let i = 0; i < 3; i++) {
      t += 20;
      expect(await limiter.tryAcquire()).toMatchObject({ ok: true, remainingToday: 2 - i });
    }
    t += 20;
    const refused = await limiter.tryAcquire();
    expect(refused).toMatchObject({
      ok: false,
      reason: 'budget',
      remainingToday: 0,
      waitMs: 6 * DAY_MS - t,
    });
    t = 6 * DAY_MS;
    expect(await limiter.tryAcquire()).toMatchObject({ ok: true, remainingToday: 2 });
  });

  it('holds every start during a pause, and a shorter pause never shortens a running one', async () => {
    let t = 10_000;
    const limiter = createMemoryLimiter({
      perSecond: 3,
      perDay: 100,
      arrivalSlackMs: 0,
      now: () => t,
    });
    await limiter.pause(5000);
    await limiter.pause(1000);
    expect(await limiter.tryAcquire()).toMatchObject({ ok: false, reason: 'paused', waitMs: 5000 });
    t += 5000;
    expect(await limiter.tryAcquire()).toMatchObject({ ok: true });
  });
});
