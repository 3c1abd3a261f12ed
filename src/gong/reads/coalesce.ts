/**
 * Identical in-flight requests share one upstream request: concurrent GraphQL operations asking
 * Gong the same thing (same connection, method, path, query, body, scope, priority) spend one
 * request of the budget and get the same answer. Only idempotent requests are coalesced, and never
 * one whose body is built at dispatch. Layer 6 of the read layers (./README.md).
 */
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
  /** Runs `fn` unless an identical call is in flight, in which case its promise is shared. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  inFlight(): number;
}

export function createCoalescer(): Coalescer {
  const pending = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const existing = pending.get(key);
      if (existing) return existing as Promise<T>;
      const p = fn().finally(() => pending.delete(key));
      pending.set(key, p);
      return p;
    },
    inFlight: () => pending.size,
  };
}
