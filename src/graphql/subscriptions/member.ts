/**
 * One member of a group of identical subscriptions: its own bounded queue of the group's
 * deliveries and the iterator graphql-ws pulls from. A member is `open`, then `finishing` (the
 * group's stream ended; it drains what it has), then `gone`. Internal to the subscription hub.
 */
import type { ExecutionResult } from 'graphql';
import type { GatewayContext } from '../context.js';
import { asError } from '../../util/promised.js';

/**
 * The eventId a delivered result carries, for a transport that writes results without waiting
 * for its consumer (SSE, multipart): it knows which one it wrote last, so its resume point is
 * exact even when it is closed while that write drains.
 */
const EVENT_ID = Symbol('eventId');

export const tagEventId = (result: ExecutionResult, eventId: string | undefined): void => {
  if (eventId !== undefined) Object.defineProperty(result, EVENT_ID, { value: eventId });
};

export const eventIdOf = (result: unknown): string | undefined =>
  typeof result === 'object' && result !== null
    ? ((result as { [EVENT_ID]?: string })[EVENT_ID] ?? undefined)
    : undefined;

/** One executed event, the same object for every member. */
export interface Delivery {
  result: ExecutionResult;
  eventId: string | undefined;
  receivedAt: string | undefined;
  live: boolean;
}

export interface Member {
  ctx: GatewayContext;
  queue: Delivery[];
  /** Replayed deliveries queued: they pace the group rather than count toward the bound. */
  replayQueued: number;
  waiter:
    { resolve(r: IteratorResult<ExecutionResult>): void; reject(e: unknown): void } | undefined;
  /** Handed out by the latest next(); delivered once the consumer asks for the one after. */
  inFlight: string | undefined;
  delivered: string | undefined;
  counted: boolean;
  state: MemberState;
}

/**
 * A member is `open` while the group streams; `finishing` once the stream ended (or failed) and
 * it still drains its queue; `gone` once it left (its iterator is done, or throws the failure).
 */
export type MemberState =
  | { kind: 'open' }
  | { kind: 'finishing'; failure: { error: unknown } | undefined }
  | { kind: 'gone'; failure: { error: unknown } | undefined };

/** What the member's group does for it. */
export interface MemberOps {
  /** Hands a delivery out (and counts its lag when live). */
  hand(d: Delivery): IteratorResult<ExecutionResult>;
  /** The member leaves its group (its iterator is done). */
  leave(): void;
  /** A replayed delivery was taken: the group may publish the next one. */
  replayTaken(): void;
}

/** The iterator graphql-ws pulls a member's results from. */
export function memberIterator(m: Member, ops: MemberOps): AsyncIterableIterator<ExecutionResult> {
  const it: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (m.inFlight !== undefined) {
        m.delivered = m.inFlight;
        m.inFlight = undefined;
      }
      const d = m.queue.shift();
      if (d) {
        if (!d.live) {
          m.replayQueued--;
          ops.replayTaken();
        }
        return ops.hand(d);
      }
      if (m.state.kind !== 'open') {
        const { failure } = m.state;
        ops.leave();
        if (failure) throw failure.error;
        return { value: undefined, done: true };
      }
      return new Promise<IteratorResult<ExecutionResult>>(
        (resolve, reject) => (m.waiter = { resolve, reject }),
      );
    },
    return() {
      ops.leave();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(e?: unknown) {
      ops.leave();
      return Promise.reject(asError(e));
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
