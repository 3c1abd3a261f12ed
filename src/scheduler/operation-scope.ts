/**
 * The GraphQL operation a Gong request is made for, carried through async calls with
 * AsyncLocalStorage (as the request id is for logs): the operation pipeline enters it around an
 * execution, and the transport and the scheduler read it, so that
 * - the connection's queue serves operations in turn (round-robin by `owner` within a priority
 *   class), and one client's long queue does not starve the others;
 * - requests still queued when the client went away (`signal`) are dropped before they are sent;
 * - an operation cannot spend more than its ceiling (`budget`, GONG_MAX_REQUESTS_PER_OPERATION).
 * Code outside any operation (the transcript poller, webhooks) runs without one: nothing changes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ErrorCode, GatewayError } from '../errors.js';

export interface OperationScope {
  /** Whose turn a queued request takes: one value per operation (an HTTP batch is one). */
  owner: object;
  /** Aborted once the client went away. */
  signal?: AbortSignal | undefined;
  /** The Gong requests the operation may cause. */
  budget?: RequestBudget | undefined;
}

const storage = new AsyncLocalStorage<OperationScope>();

/** Runs `fn` (and everything it awaits or schedules) as part of the operation `scope`. */
export function runInOperation<T>(scope: OperationScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The operation being served, or undefined outside any. */
export function currentOperation(): OperationScope | undefined {
  return storage.getStore();
}

/**
 * How many Gong requests an operation may cause (GONG_MAX_REQUESTS_PER_OPERATION): estimated
 * before execution (`reserve`, refused before anything is spent) and counted during it (`spend`,
 * refused before the request that would pass it is sent). An HTTP batch shares one budget.
 */
export interface RequestBudget {
  readonly ceiling: number;
  /** Adds an estimate; throws UPSTREAM_CEILING_EXCEEDED when the estimates pass the ceiling. */
  reserve(estimate: number): void;
  /** Counts one request about to be sent; throws UPSTREAM_CEILING_EXCEEDED past the ceiling. */
  spend(what: string): void;
  spent(): number;
  estimated(): number;
}

export const ceilingExceeded = (message: string, estimate: number, ceiling: number) =>
  new GatewayError(ErrorCode.UPSTREAM_CEILING_EXCEEDED, message, { estimate, ceiling });

export function createRequestBudget(ceiling: number): RequestBudget {
  let estimated = 0;
  let spent = 0;
  return {
    ceiling,
    reserve(estimate) {
      if (estimated + estimate > ceiling)
        throw ceilingExceeded(
          `This operation would cause about ${estimated + estimate} Gong requests, more than the ${ceiling} one operation may (GONG_MAX_REQUESTS_PER_OPERATION); ask for fewer items or split it`,
          estimated + estimate,
          ceiling,
        );
      estimated += estimate;
    },
    spend(what) {
      if (spent >= ceiling)
        throw ceilingExceeded(
          `${what} would be this operation's Gong request number ${spent + 1}, past the ${ceiling} one operation may (GONG_MAX_REQUESTS_PER_OPERATION)`,
          Math.max(estimated, spent + 1),
          ceiling,
        );
      spent += 1;
    },
    spent: () => spent,
    estimated: () => estimated,
  };
}

/**
 * A signal shared by the callers of one upstream request (coalesced or merged): it aborts once
 * every caller's own signal did. A caller without a signal keeps the request alive.
 */
export interface SharedSignal {
  readonly signal: AbortSignal;
  join(signal: AbortSignal | undefined): void;
}

export function createSharedSignal(): SharedSignal {
  const ctl = new AbortController();
  let live = 0;
  let forever = false;
  return {
    signal: ctl.signal,
    join(signal) {
      if (forever || ctl.signal.aborted) return;
      if (!signal) {
        forever = true;
        return;
      }
      if (signal.aborted) {
        if (live === 0) ctl.abort(signal.reason);
        return;
      }
      live += 1;
      signal.addEventListener(
        'abort',
        () => {
          live -= 1;
          if (live === 0 && !forever) ctl.abort(signal.reason);
        },
        { once: true },
      );
    },
  };
}
