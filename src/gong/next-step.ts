/**
 * What the transport does after one attempt, as a pure decision (no clock, no I/O), so every
 * retry rule can be read in one table and tested as one (test/gong/next-step-decides-every-retry.test.ts):
 * - the client's own fault or an abort: fail, and the breaker forgets the attempt;
 * - a network failure, a malformed 2xx: back off and retry idempotent requests;
 * - 401: one forced credential refresh, then one more attempt; Gong's 401 for a missing scope is
 *   the answer (no refresh can fix it);
 * - 429: pause the whole connection for Retry-After; retry (even a write: a 429 was not processed);
 * - 5xx: back off and retry idempotent requests, else hand Gong's answer back.
 * A retry needs the retry budget and the request's deadline to allow the wait.
 */

/** One attempt, as the decision needs to see it. */
export type AttemptFacts =
  | { kind: 'aborted' }
  | { kind: 'local' }
  | { kind: 'network' }
  | {
      kind: 'answer';
      status: number;
      malformed: boolean;
      missingScope: boolean;
      retryAfterMs: number | undefined;
    };

export interface RetryState {
  /** Retries made so far. */
  retries: number;
  maxRetries: number;
  /** The credential was already refreshed once for this request. */
  refreshed: boolean;
  /** May this request be sent again after a failure Gong may have processed (idempotent, replayable body)? */
  retriable: boolean;
  /** Can the body be sent again at all (a streamed body cannot)? */
  replayable: boolean;
  /** Time left before the request's deadline. */
  msLeft: number;
  /** The backoff before retry number `retries + 1`, honouring a Retry-After when given. */
  backoffMs(retries: number, retryAfterMs?: number): number;
}

/** How the attempt counts for the circuit breaker. */
export type BreakerNote = 'success' | 'failure' | 'release';

export type Failure = 'aborted' | 'client-fault' | 'network' | 'rate-limited' | 'malformed';

export type Step =
  | { action: 'answer'; breaker: BreakerNote }
  | { action: 'fail'; breaker: BreakerNote; failure: Failure; pauseMs?: number }
  | { action: 'retry'; breaker: BreakerNote; waitMs: number; refresh: boolean; pauseMs?: number };

const allows = (s: RetryState, waitMs: number) => s.retries < s.maxRetries && waitMs < s.msLeft;

export function nextStep(a: AttemptFacts, s: RetryState): Step {
  if (a.kind === 'aborted') return { action: 'fail', breaker: 'release', failure: 'aborted' };
  // The client's fault says nothing about Gong: no retry, no breaker count.
  if (a.kind === 'local') return { action: 'fail', breaker: 'release', failure: 'client-fault' };
  if (a.kind === 'network') {
    const wait = s.backoffMs(s.retries);
    return s.retriable && allows(s, wait)
      ? { action: 'retry', breaker: 'failure', waitMs: wait, refresh: false }
      : { action: 'fail', breaker: 'failure', failure: 'network' };
  }
  if (a.status === 401 && a.missingScope) return { action: 'answer', breaker: 'success' };
  if (a.status === 401 && !s.refreshed && s.replayable)
    return { action: 'retry', breaker: 'success', waitMs: 0, refresh: true };
  if (a.status === 429) {
    const pauseMs = a.retryAfterMs ?? 1_000;
    // The scheduler holds every start of the connection until the pause is over: wait only a little jitter.
    const wait = Math.min(pauseMs, s.backoffMs(0));
    return s.replayable && allows(s, wait)
      ? { action: 'retry', breaker: 'success', waitMs: wait, refresh: false, pauseMs }
      : { action: 'fail', breaker: 'success', failure: 'rate-limited', pauseMs };
  }
  if (a.status >= 500) {
    const wait = s.backoffMs(s.retries, a.retryAfterMs);
    return s.retriable && allows(s, wait)
      ? { action: 'retry', breaker: 'failure', waitMs: wait, refresh: false }
      : { action: 'answer', breaker: 'failure' };
  }
  if (a.malformed) {
    const wait = s.backoffMs(s.retries);
    return s.retriable && allows(s, wait)
      ? { action: 'retry', breaker: 'success', waitMs: wait, refresh: false }
      : { action: 'fail', breaker: 'success', failure: 'malformed' };
  }
  return { action: 'answer', breaker: 'success' };
}
