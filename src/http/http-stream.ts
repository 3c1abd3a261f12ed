/**
 * A subscription stream an HTTP transport can end from inside: the subscription hub and resolvers
 * close a too-slow subscriber through `services.subscriberSocket` (4413 on WebSocket). Over SSE
 * and multipart the same close ends the stream with one last result whose error names the close
 * code and where to resume (`after`). Internal to the HTTP edge.
 */
import type { ExecutionResult } from 'graphql';
import type { SubscriberSocket } from '../events/services.js';

export interface ClosableStream {
  /** Handed to the operation's context as `services.subscriberSocket`. */
  socket: SubscriberSocket;
  /** The client went away: ends the stream at once, even while it waits for the next event. */
  stop(): void;
  /** Yields the source's results until it ends, `socket.close` or `stop` is called. */
  wrap<T extends ExecutionResult | Record<string, unknown>>(source: AsyncIterable<T>): AsyncGenerator<T | ClosedResult, void, undefined>;
}

export interface ClosedResult {
  errors: { message: string; extensions: { code: 'SUBSCRIBER_TOO_SLOW'; closeCode: number } }[];
}

const CLOSED = Symbol('closed');

export function closableStream(): ClosableStream {
  let closed: { code: number; reason: string } | undefined;
  let stopped = false;
  let wake!: () => void;
  const closedSignal = new Promise<typeof CLOSED>((resolve) => (wake = () => resolve(CLOSED)));
  return {
    socket: {
      close(code, reason) {
        closed ??= { code, reason };
        wake();
      },
    },
    stop() {
      stopped = true;
      wake();
    },
    async *wrap(source) {
      const it = source[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = await Promise.race([it.next(), closedSignal]);
          if (next === CLOSED) break;
          if (next.done) return;
          yield next.value;
        }
        if (closed && !stopped) yield { errors: [{ message: closed.reason, extensions: { code: 'SUBSCRIBER_TOO_SLOW', closeCode: closed.code } }] };
      } finally {
        void it.return?.();
      }
    },
  };
}
