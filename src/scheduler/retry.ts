/**
 * When and how long to wait before retrying an upstream request: exponential backoff with
 * "equal jitter" (half fixed, half random), never shorter than Gong's Retry-After.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (GONG_MAX_RETRIES). */
  maxRetries: number;
  /** First backoff. @default 200 */
  baseMs?: number;
  /** Longest backoff. @default 8000 */
  maxMs?: number;
  /** Injectable for tests. @default Math.random */
  random?: () => number;
}

/** Statuses worth another attempt for an idempotent request. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

/** Backoff before retry number `retry` (0 = first retry); at least `retryAfterMs` when Gong gave one. */
export function backoffMs(policy: RetryPolicy, retry: number, retryAfterMs?: number): number {
  const base = policy.baseMs ?? 200;
  const cap = policy.maxMs ?? 8000;
  const exp = Math.min(cap, base * 2 ** Math.max(0, retry));
  const jittered = exp / 2 + (policy.random ?? Math.random)() * (exp / 2);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}
