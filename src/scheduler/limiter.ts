/**
 * The per-connection admission rule every upstream request start must pass: a sliding window
 * (never more than `slots` starts within `windowMs`), a per-UTC-day budget and a pause set by a
 * 429's Retry-After. A sliding window rather than Gong's own token bucket: a bucket of capacity 3
 * admits 5–6 arrivals in some 1 s windows, and Gong counts arrivals.
 *
 * Gong counts a request when it *arrives*, which is some time after we start it (connection set-up,
 * a busy event loop, the network). So a start holds its place in the window from the moment it
 * is admitted until its answer (or failure) is known, at most `arrivalSlackMs`: the window then
 * counts from the answer, the latest the request can have arrived. Fast answers cost nothing;
 * slow ones spread the next starts a little.
 *
 * This module holds the shared types and the in-process implementation; ./redis-limiter.ts shares
 * the same state between gateway instances.
 */

/** A start admitted by the limiter; `settle()` when its answer (or failure) is known. */
export interface Slot {
  /** Idempotent; resolves once the shared state knows (Redis), at once in memory. */
  settle(): void | Promise<void>;
}

export type Acquisition =
  | { ok: true; remainingToday: number; slot: Slot }
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
   * Added to the window against clock and timing noise. Small, because a start already counts from
   * its answer, which Gong has necessarily received (measured: 100 ms cost sync 9% of the budget,
   * 25 ms keeps it at 95% with no window overrun in the burst and two-instance tests). @default 25
   */
  safetyMarginMs?: number;
  /**
   * Longest time after its start that a request may still arrive at Gong; an unsettled start
   * counts as arriving up to this late. @default 1000
   */
  arrivalSlackMs?: number;
}

export const DAY_MS = 86_400_000;

/** The window shape for a rate: `slots` starts per `windowMs` (3/s → 3 per 1025 ms with the default margin). */
export function windowOf(opts: LimitOptions): { slots: number; windowMs: number; slackMs: number } {
  if (!Number.isFinite(opts.perSecond) || opts.perSecond <= 0)
    throw new RangeError(`perSecond must be a positive number, but got: ${String(opts.perSecond)}`);
  if (!Number.isInteger(opts.perDay) || opts.perDay <= 0)
    throw new RangeError(`perDay must be a positive integer, but got: ${String(opts.perDay)}`);
  const slots = Math.max(1, Math.floor(opts.perSecond));
  return {
    slots,
    windowMs: Math.ceil((slots * 1000) / opts.perSecond) + (opts.safetyMarginMs ?? 25),
    slackMs: Math.max(0, opts.arrivalSlackMs ?? 1000),
  };
}

export interface MemoryLimiter extends RateLimiter {
  /** Records a start admitted elsewhere (by Redis), so a fallback to this limiter starts from the truth. */
  note(): Slot;
  state(): { day: number; usedToday: number; pausedUntil: number };
}

interface Place {
  /** Latest time the request may have arrived: start + slack until settled, then the settle time. */
  at: number;
  /** Position in the heap; -1 once a newer start replaced it (its settle then changes nothing). */
  index: number;
}

/**
 * In-process limiter: the last `slots` places in the window, a day counter and a pause deadline.
 * The window is full while the earliest place is less than `windowMs` old.
 *
 * The places form a binary min-heap on `at`. A scan for the earliest cost O(slots) twice per
 * start, which at GONG_RATE_PER_SECOND=1000 was 2.5% of a one-upstream query's CPU
 * (bench/profile/); the root is the earliest, a start replaces it and a settle only lowers `at`.
 */
export function createMemoryLimiter(opts: LimitOptions & { now?: () => number }): MemoryLimiter {
  const now = opts.now ?? Date.now;
  const { slots, windowMs, slackMs } = windowOf(opts);
  // Equal keys: already a valid heap.
  const places: Place[] = Array.from({ length: slots }, (_, index) => ({
    at: Number.NEGATIVE_INFINITY,
    index,
  }));
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
  const put = (p: Place, i: number) => {
    places[i] = p;
    p.index = i;
  };
  const siftUp = (p: Place) => {
    let i = p.index;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const q = places[up] as Place;
      if (q.at <= p.at) break;
      put(q, i);
      i = up;
    }
    put(p, i);
  };
  const siftDown = (p: Place) => {
    let i = p.index;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= places.length) break;
      const r = l + 1;
      const c = r < places.length && (places[r] as Place).at < (places[l] as Place).at ? r : l;
      const q = places[c] as Place;
      if (p.at <= q.at) break;
      put(q, i);
      i = c;
    }
    put(p, i);
  };
  const record = (t: number): Slot => {
    const place: Place = { at: t + slackMs, index: 0 };
    (places[0] as Place).index = -1;
    places[0] = place;
    siftDown(place);
    usedToday += 1;
    let settled = false;
    return {
      settle() {
        if (settled) return;
        settled = true;
        place.at = Math.min(place.at, now());
        if (place.index >= 0) siftUp(place);
      },
    };
  };

  const acquireSync = (): Acquisition => {
    const t = now();
    rollDay(t);
    const remainingToday = Math.max(0, opts.perDay - usedToday);
    if (pausedUntil > t)
      return { ok: false, waitMs: pausedUntil - t, reason: 'paused', remainingToday };
    if (usedToday >= opts.perDay)
      return { ok: false, waitMs: (day + 1) * DAY_MS - t, reason: 'budget', remainingToday: 0 };
    const oldest = places[0]?.at ?? Number.NEGATIVE_INFINITY;
    // The earliest of the last `slots` places must have left the window before another may start.
    if (t - oldest < windowMs)
      return { ok: false, waitMs: oldest + windowMs - t, reason: 'rate', remainingToday };
    const slot = record(t);
    return { ok: true, remainingToday: opts.perDay - usedToday, slot };
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
      return record(t);
    },
    state: () => ({ day, usedToday, pausedUntil }),
  };
}
