/**
 * A connection's rate slots in the test's hands, instead of a slow rate used as a barrier: while
 * held, every start waits in the connection's queue as if the window were full; released, the
 * connection's own limiter decides again. Pass `wrapLimiter` to startGateway's deps.
 */
import type { RateLimiter } from '../../src/scheduler/limiter.js';

export interface HeldRateSlots {
  wrapLimiter: (limiter: RateLimiter) => RateLimiter;
  /** Holds every start from now on. */
  hold(): void;
  /** Grants `n` more starts, then holds. */
  holdAfter(n: number): void;
  release(): void;
}

export function heldRateSlots(): HeldRateSlots {
  /** Starts still granted before holding; Infinity while released. */
  let left = Infinity;
  return {
    wrapLimiter: (limiter) => ({
      tryAcquire: () => {
        if (left <= 0)
          return Promise.resolve({ ok: false, waitMs: 5, reason: 'rate', remainingToday: 1 });
        left -= 1;
        return limiter.tryAcquire();
      },
      pause: (ms) => limiter.pause(ms),
    }),
    hold: () => void (left = 0),
    holdAfter: (n) => void (left = n),
    release: () => void (left = Infinity),
  };
}
