import { describe, expect, it } from 'vitest';
import { createBreaker } from '../../src/scheduler/breaker.js';
import { backoffMs, isRetryableStatus } from '../../src/scheduler/retry.js';

describe('the circuit breaker', () => {
  it('opens after the threshold of consecutive failures, lets one probe through after the cooldown, closes on its success', () => {
    let t = 0;
    const b = createBreaker({ threshold: 3, cooldownMs: 1000, now: () => t });
    b.failure();
    b.failure();
    b.success(); // resets the streak
    b.failure();
    b.failure();
    expect(b.state()).toBe('closed');
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.permit()).toEqual({ ok: false, retryAfterMs: 1000 });
    t = 999;
    expect(b.permit().ok).toBe(false);
    t = 1000;
    expect(b.permit()).toEqual({ ok: true, probe: true });
    expect(b.state()).toBe('half-open');
    expect(b.permit().ok).toBe(false); // only one probe at a time
    b.success();
    expect(b.state()).toBe('closed');
    expect(b.permit()).toEqual({ ok: true, probe: false });
  });

  it('opens again when the probe fails, and a released probe lets the next one through', () => {
    let t = 0;
    const b = createBreaker({ threshold: 1, cooldownMs: 500, now: () => t });
    b.failure();
    t = 500;
    expect(b.permit()).toEqual({ ok: true, probe: true });
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.permit()).toEqual({ ok: false, retryAfterMs: 500 });
    t = 1000;
    expect(b.permit()).toEqual({ ok: true, probe: true });
    b.release(true);
    expect(b.permit()).toEqual({ ok: true, probe: true });
  });
});

describe('retry backoff', () => {
  it('grows exponentially with equal jitter up to the cap', () => {
    const lo = { maxRetries: 5, baseMs: 100, maxMs: 1000, random: () => 0 };
    const hi = { ...lo, random: () => 1 };
    expect([0, 1, 2, 3, 4].map((r) => backoffMs(lo, r))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 4].map((r) => backoffMs(hi, r))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('never waits less than Retry-After', () => {
    const p = { maxRetries: 5, baseMs: 100, random: () => 0.5 };
    expect(backoffMs(p, 0, 3000)).toBe(3000);
    expect(backoffMs(p, 0, 10)).toBe(75);
  });

  it('retries 429 and 5xx, not 4xx', () => {
    expect([429, 500, 502, 503, 400, 401, 404, 409].map(isRetryableStatus)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
