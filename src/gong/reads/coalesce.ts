/**
 * Identical in-flight requests share one upstream request: concurrent GraphQL operations asking
 * Gong the same thing (same connection, method, path, query, body, scope, priority) spend one
 * request of the budget and get the same answer. Only idempotent requests are coalesced, and never
 * one whose body is built at dispatch. Layer 6 of the read layers (./README.md).
 */
import { createSharedSignal, type SharedSignal } from '../../scheduler/operation-scope.js';
import { stableStringify } from '../../util/stable-stringify.js';
import type { GongRequest } from '../types.js';

/** The coalescing key of a request (the connection is implied: one coalescer per connection). */
export function requestKey(req: GongRequest): string {
  return stableStringify([
    req.method,
    req.path,
    req.query ?? {},
    req.body ?? null,
    req.scope ?? null,
    req.priority ?? 'interactive',
  ]);
}

export interface Coalescer {
  /**
   * Runs `fn` unless an identical call is in flight, in which case its promise is shared. `fn`
   * gets a signal that aborts once every caller's `signal` did (no caller left to answer).
   */
  run<T>(
    key: string,
    signal: AbortSignal | undefined,
    fn: (shared: AbortSignal) => Promise<T>,
  ): Promise<T>;
  inFlight(): number;
}

export function createCoalescer(): Coalescer {
  const pending = new Map<string, { p: Promise<unknown>; shared: SharedSignal }>();
  return {
    run<T>(
      key: string,
      signal: AbortSignal | undefined,
      fn: (shared: AbortSignal) => Promise<T>,
    ): Promise<T> {
      const existing = pending.get(key);
      // A request every caller left is being dropped: a new caller starts its own.
      if (existing && !existing.shared.signal.aborted) {
        existing.shared.join(signal);
        return existing.p as Promise<T>;
      }
      const shared = createSharedSignal();
      shared.join(signal);
      const entry = { p: Promise.resolve() as Promise<unknown>, shared };
      const p = fn(shared.signal).finally(() => {
        if (pending.get(key) === entry) pending.delete(key);
      });
      entry.p = p;
      pending.set(key, entry);
      return p;
    },
    inFlight: () => pending.size,
  };
}
