/**
 * A per-connection circuit breaker: after `threshold` consecutive upstream failures (5xx, resets,
 * timeouts) it stops sending for `cooldownMs`, then lets exactly one probe through; the probe's
 * success closes it, its failure opens it again. 4xx and 429 answers prove Gong is up: they count
 * as successes.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker (GONG_BREAKER_THRESHOLD). */
  threshold: number;
  /** How long it stays open before a probe (GONG_BREAKER_COOLDOWN_MS). */
  cooldownMs: number;
  now?: () => number;
}

export type Permit = { ok: true; probe: boolean } | { ok: false; retryAfterMs: number };

export interface Breaker {
  /** May a request be sent now? A `probe` permit must be followed by success, failure or release. */
  permit(): Permit;
  success(): void;
  failure(): void;
  /** The attempt ended without telling anything about Gong (aborted by the caller). */
  release(probe: boolean): void;
  state(): BreakerState;
}

export function createBreaker(opts: BreakerOptions): Breaker {
  const now = opts.now ?? Date.now;
  let failures = 0;
  let openedAt = 0;
  let state: BreakerState = 'closed';
  let probing = false;

  const open = () => {
    state = 'open';
    openedAt = now();
    probing = false;
  };

  return {
    permit() {
      if (state === 'closed') return { ok: true, probe: false };
      const left = openedAt + opts.cooldownMs - now();
      if (state === 'open' && left > 0) return { ok: false, retryAfterMs: left };
      state = 'half-open';
      if (probing) return { ok: false, retryAfterMs: Math.max(1000, opts.cooldownMs / 10) };
      probing = true;
      return { ok: true, probe: true };
    },
    success() {
      failures = 0;
      probing = false;
      state = 'closed';
    },
    failure() {
      failures += 1;
      if (state === 'half-open' || failures >= opts.threshold) open();
    },
    release(probe) {
      if (probe) probing = false;
    },
    state: () => state,
  };
}
