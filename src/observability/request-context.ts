/**
 * The HTTP request id of the code that is running, carried through async calls with
 * AsyncLocalStorage. The router enters it once per request; the logger's mixin reads it, so
 * lines written far from the request (the Gong transport, loaders) still name the request that
 * caused them, next to Gong's own `gongRequestId`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (and everything it awaits or schedules) as part of request `requestId`. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the request being served, or undefined outside any request. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
