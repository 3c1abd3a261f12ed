/**
 * Internal to the sandbox: Gong's per-company budget (docs/gong-contract.md §3), by default 3 requests per
 * second and 10,000 per day. The per-second limit is a token bucket (capacity = perSecond, refilled
 * continuously); the day is the UTC calendar day. A refusal carries the integer Retry-After Gong
 * sends with its 429.
 */
import { badInput } from '../errors.js';

export interface SandboxRateLimiterOptions {
  perSecond: number;
  perDay: number;
  now: () => number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };

const DAY_MS = 86_400_000;

export class SandboxRateLimiter {
  readonly #opts: SandboxRateLimiterOptions;
  /** At least one, so that a fractional rate (0.5/s) still lets a request through. */
  readonly #capacity: number;
  #tokens: number;
  #refilledAt: number;
  #day: number;
  #usedToday = 0;

  constructor(opts: SandboxRateLimiterOptions) {
    for (const name of ['perSecond', 'perDay'] as const) {
      const v = opts[name];
      if (!Number.isFinite(v) || v <= 0)
        throw badInput(
          `SandboxRateLimiter: ${name} must be a positive number, but got: ${String(v)}`,
        );
    }
    this.#opts = opts;
    this.#capacity = Math.max(1, opts.perSecond);
    this.#tokens = this.#capacity;
    this.#refilledAt = opts.now();
    this.#day = Math.floor(this.#refilledAt / DAY_MS);
  }

  /** Spend one request of the budget, or say how long to wait. Refusals spend nothing. */
  take(): RateDecision {
    const now = this.#opts.now();
    this.#refill(now);
    const { perSecond, perDay } = this.#opts;

    if (this.#usedToday >= perDay) {
      const untilMidnight = (this.#day + 1) * DAY_MS - now;
      return this.#refuse(
        untilMidnight / 1000,
        `API request limit exceeded: the daily quota of ${perDay} requests is used up until midnight UTC`,
      );
    }
    if (this.#tokens < 1) {
      let wait = Math.max(1, Math.ceil((1 - this.#tokens) / perSecond));
      // Float rounding must never make a client that waits exactly Retry-After get refused again.
      if (this.#tokens + wait * perSecond < 1) wait += 1;
      return this.#refuse(
        wait,
        `API request limit exceeded: at most ${perSecond} requests per second`,
      );
    }
    this.#tokens -= 1;
    this.#usedToday += 1;
    return { ok: true };
  }

  /** A full bucket and an unused day. */
  reset(): void {
    const now = this.#opts.now();
    this.#tokens = this.#capacity;
    this.#refilledAt = now;
    this.#day = Math.floor(now / DAY_MS);
    this.#usedToday = 0;
  }

  #refill(now: number): void {
    // A clock that steps back (tests, NTP) must not drain the bucket.
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + (elapsed / 1000) * this.#opts.perSecond);
    this.#refilledAt = now;
    const day = Math.floor(now / DAY_MS);
    if (day > this.#day) {
      this.#day = day;
      this.#usedToday = 0;
    }
  }

  #refuse(seconds: number, message: string): RateDecision {
    // Retry-After is whole seconds; rounding up means a client that waits it out is served.
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)), message };
  }
}
