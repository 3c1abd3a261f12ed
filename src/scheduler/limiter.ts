/**
 * The per-connection admission rule every upstream request start must pass: a sliding window
 * (never more than `slots` starts within `windowMs`), a per-UTC-day budget and a pause set by a
 * 429's Retry-After. A sliding window rather than Gong's own token bucket: a bucket of capacity 3
 * admits 5–6 arrivals in some 1 s windows, and Gong counts arrivals.
 *
 * This module holds the shared types and the in-process implementation; ./redis-limiter.ts shares
 * the same state between gateway instances.
 */

export type Acquisition =
  | { ok: true; remainingToday: number }
  | {
      ok: false;
      /** How long until a start could be admitted. */
      waitMs: number;
      /** `rate`: the window is full; `budget`: today's budget is spent; `paused`: a 429 is being waited out. */
      reason: 'rate' | 'budget' | 'paused';
      remainingToday: number;
    };

export interface RateLimiter {
  /** Spends one start if the window, the day and the pause allow it; otherwise says how long to wait. Never rejects. */
  tryAcquire(): Promise<Acquisition>;
  /** Pauses every start for `ms` from now (extends, never shortens, a running pause). */
  pause(ms: number): Promise<void>;
}

export interface LimitOptions {
  /** Requests per second (Gong: 3). Fractional rates work: 0.5 = one start per 2 s. */
  perSecond: number;
  /** Requests per UTC day (Gong: 10,000). */
  perDay: number;
  /**
   * Added to the window so network jitter between our start and Gong's arrival cannot squeeze
   * one more request into Gong's second. @default 100
   */
  safetyMarginMs?: number;
}

export const DAY_MS = 86_400_000;

/** The window shape for a rate: `slots` starts per `windowMs` (3/s → 3 per 1100 ms with the default margin). */
export function windowOf(opts: LimitOptions): { slots: number; windowMs: number } {
  if (!Number.isFinite(opts.perSecond) || opts.perSecond <= 0)
    throw new RangeError(`perSecond must be a positive number, but got: ${String(opts.perSecond)}`);
  if (!Number.isInteger(opts.perDay) || opts.perDay <= 0)
    throw new RangeError(`perDay must be a positive integer, but got: ${String(opts.perDay)}`);
  const slots = Math.max(1, Math.floor(opts.perSecond));
  return { slots, windowMs: Math.ceil((slots * 1000) / opts.perSecond) + (opts.safetyMarginMs ?? 100) };
}

export interface MemoryLimiter extends RateLimiter {
  /** Records a start admitted elsewhere (by Redis), so a fallback to this limiter starts from the truth. */
  note(): void;
  state(): { day: number; usedToday: number; pausedUntil: number };
}

/** In-process limiter: a ring of the last `slots` start times, a day counter and a pause deadline. */
export function createMemoryLimiter(opts: LimitOptions & { now?: () => number }): MemoryLimiter {
  const now = opts.now ?? Date.now;
  const { slots, windowMs } = windowOf(opts);
  const starts: number[] = new Array<number>(slots).fill(Number.NEGATIVE_INFINITY);
  let next = 0; // index of the oldest start in the ring
  let day = Math.floor(now() / DAY_MS);
  let usedToday = 0;
  let pausedUntil = 0;

  const rollDay = (t: number) => {
    const today = Math.floor(t / DAY_MS);
    if (today !== day) {
      day = today;
      usedToday = 0;
    }
  };
  const record = (t: number) => {
    starts[next] = t;
    next = (next + 1) % slots;
    usedToday += 1;
  };

  const acquireSync = (): Acquisition => {
    const t = now();
    rollDay(t);
    const remainingToday = Math.max(0, opts.perDay - usedToday);
    if (pausedUntil > t) return { ok: false, waitMs: pausedUntil - t, reason: 'paused', remainingToday };
    if (usedToday >= opts.perDay) return { ok: false, waitMs: (day + 1) * DAY_MS - t, reason: 'budget', remainingToday: 0 };
    const oldest = starts[next] ?? Number.NEGATIVE_INFINITY;
    // The oldest of the last `slots` starts must have left the window before another may start.
    if (t - oldest < windowMs) return { ok: false, waitMs: oldest + windowMs - t, reason: 'rate', remainingToday };
    record(t);
    return { ok: true, remainingToday: opts.perDay - usedToday };
  };

  return {
    tryAcquire: () => Promise.resolve(acquireSync()),
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, now() + Math.max(0, ms));
      return Promise.resolve();
    },
    note() {
      const t = now();
      rollDay(t);
      record(t);
    },
    state: () => ({ day, usedToday, pausedUntil }),
  };
}
