import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../src/errors.js';
import { SandboxRateLimiter } from '../../src/sandbox/rate-limit.js';
import { expectMatching } from '../support/match.js';

function setup(perSecond: number, perDay: number, start = Date.UTC(2025, 5, 1, 12, 0, 0)) {
  let now = start;
  const limiter = new SandboxRateLimiter({ perSecond, perDay, now: () => now });
  return { limiter, advance: (ms: number) => (now += ms), set: (t: number) => (now = t) };
}

const takeN = (l: SandboxRateLimiter, n: number) => Array.from({ length: n }, () => l.take());

describe('SandboxRateLimiter: per second', () => {
  it('lets a burst of perSecond through, then refuses with an integer Retry-After >= 1', () => {
    const { limiter } = setup(3, 10_000);
    expect(takeN(limiter, 3).every((d) => d.ok)).toBe(true);
    const refused = limiter.take();
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(Number.isInteger(refused.retryAfterSeconds)).toBe(true);
      expect(refused.retryAfterSeconds).toBe(1);
      expect(refused.message).toContain('API request limit exceeded');
    }
  });

  it('refills continuously: one token per 1/perSecond seconds, never above capacity', () => {
    const { limiter, advance } = setup(3, 10_000);
    takeN(limiter, 3);
    advance(333);
    expect(limiter.take().ok).toBe(false);
    advance(1);
    expect(limiter.take().ok).toBe(true);
    expect(limiter.take().ok).toBe(false);
    advance(60_000);
    expect(takeN(limiter, 4).map((d) => d.ok)).toEqual([true, true, true, false]);
  });

  it('asks a slow bucket to wait several seconds, rounded up', () => {
    const { limiter, advance } = setup(0.25, 10_000);
    expect(limiter.take().ok).toBe(true);
    expect(limiter.take()).toMatchObject({ ok: false, retryAfterSeconds: 4 });
    advance(1500);
    expect(limiter.take()).toMatchObject({ ok: false, retryAfterSeconds: 3 });
    advance(2500);
    expect(limiter.take().ok).toBe(true);
  });

  it('does not let a clock that steps back drain or overfill the bucket', () => {
    const { limiter, advance } = setup(3, 10_000);
    takeN(limiter, 2);
    advance(-5000);
    expect(limiter.take().ok).toBe(true);
    expect(limiter.take().ok).toBe(false);
  });
});

describe('SandboxRateLimiter: per day', () => {
  it('after the daily quota, refuses until midnight UTC, then starts a new day', () => {
    const start = Date.UTC(2025, 5, 1, 20, 30, 0);
    const { limiter, advance, set } = setup(1000, 5, start);
    expect(takeN(limiter, 5).every((d) => d.ok)).toBe(true);
    const refused = limiter.take();
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 3.5 * 3600 });
    if (!refused.ok) expect(refused.message).toMatch(/daily/);

    advance(3 * 3600_000 + 1);
    const later = limiter.take();
    expect(later.ok).toBe(false);
    if (!later.ok) {
      expect(Number.isInteger(later.retryAfterSeconds)).toBe(true);
      expect(later.retryAfterSeconds).toBe(1800); // 29:59.999 left, rounded up
    }
    set(Date.UTC(2025, 5, 2, 0, 0, 0));
    expect(takeN(limiter, 5).every((d) => d.ok)).toBe(true);
    expect(limiter.take().ok).toBe(false);
  });

  it('refusals do not spend the daily quota, and reset() restores everything', () => {
    const { limiter, advance } = setup(1, 3);
    for (let i = 0; i < 3; i++) {
      expect(limiter.take().ok).toBe(true);
      expect(limiter.take().ok).toBe(false);
      advance(1000);
    }
    expect(limiter.take()).toMatchObject({ ok: false, message: expectMatching(/daily/) });
    limiter.reset();
    expect(limiter.take().ok).toBe(true);
  });
});

it('rejects a non-positive limit with a message naming it and the value', () => {
  let err: unknown;
  try {
    new SandboxRateLimiter({ perSecond: 0, perDay: 10, now: Date.now });
  } catch (e) {
    err = e;
  }
  expect(isGatewayError(err) && err.code).toBe('BAD_USER_INPUT');
  expect(String(err)).toMatch(/perSecond.*0/);
});

it('never lets more than capacity + perSecond x elapsed through in any interval (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10 }),
      fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 200 }),
      (perSecond, gaps) => {
        const { limiter, advance } = setup(perSecond, 1_000_000);
        const accepted: number[] = [];
        for (const gap of gaps) {
          const t = advance(gap);
          const d = limiter.take();
          if (d.ok) accepted.push(t);
          else expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        }
        for (let i = 0; i < accepted.length; i++) {
          for (let j = i; j < accepted.length; j++) {
            const elapsed = (accepted[j]! - accepted[i]!) / 1000;
            expect(j - i + 1).toBeLessThanOrEqual(perSecond + perSecond * elapsed + 1e-9);
          }
        }
      },
    ),
    { numRuns: 100 },
  );
});

it('waiting out Retry-After always suffices (property)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 50 }),
      (perSecond, gaps) => {
        const { limiter, advance } = setup(perSecond, 1_000_000);
        for (const gap of gaps) {
          advance(gap);
          const d = limiter.take();
          if (!d.ok) {
            expect(Number.isInteger(d.retryAfterSeconds)).toBe(true);
            advance(d.retryAfterSeconds * 1000);
            expect(limiter.take().ok).toBe(true);
          }
        }
      },
    ),
    { numRuns: 100 },
  );
});
