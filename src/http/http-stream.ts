/**
 * A subscription stream an HTTP transport can end from inside: the subscription hub and resolvers
 * close a too-slow subscriber through `services.subscriberSocket` (4413 on WebSocket). Over SSE
 * and multipart the same close ends the stream with one last result whose error names the close
 * code and where to resume (`after`). Internal to the HTTP edge.
 */
import type { ServerResponse } from 'node:http';
import type { SubscriberSocket } from '../events/services.js';

export interface ClosableStream {
  /** Handed to the operation's context as `services.subscriberSocket`. */
  socket: SubscriberSocket;
  /** The client went away: ends the stream at once, even while it waits for the next event. */
  stop(): void;
  /**
   * Yields the source's results until it ends, `socket.close` or `stop` is called. Unlike an async
   * generator, its `return()` does not queue behind a pending `next()`: it ends the source at once.
   */
  wrap<T>(source: AsyncIterable<T>): AsyncIterableIterator<T | ClosedResult>;
}

export interface ClosedResult {
  errors: { message: string; extensions: { code: 'SUBSCRIBER_TOO_SLOW'; closeCode: number } }[];
}

const CLOSED = Symbol('closed');

/** `onEnd` runs once when the stream ends, however it ends. */
export function closableStream(onEnd?: () => void): ClosableStream {
  let closed: { code: number; reason: string } | undefined;
  let stopped = false;
  let wake!: () => void;
  const signal = new Promise<typeof CLOSED>((resolve) => (wake = () => resolve(CLOSED)));
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd?.();
  };
  const stop = () => {
    stopped = true;
    wake();
    end();
  };
  return {
    socket: {
      close(code, reason) {
        closed ??= { code, reason };
        wake();
      },
    },
    stop,
    wrap<T>(source: AsyncIterable<T>) {
      const it = source[Symbol.asyncIterator]();
      let finished = false;
      const done = { done: true as const, value: undefined };
      const finish = () => {
        if (!finished) {
          finished = true;
          end();
          void it.return?.();
        }
      };
      const wrapped: AsyncIterableIterator<T | ClosedResult> = {
        [Symbol.asyncIterator]: () => wrapped,
        async next() {
          if (finished) return done;
          const next = await Promise.race([it.next(), signal]);
          if (next !== CLOSED && !next.done && !finished) return next;
          finish();
          // A close from inside (too slow) is reported once, with where to resume.
          if (next === CLOSED && closed && !stopped)
            return {
              done: false,
              value: {
                errors: [
                  {
                    message: closed.reason,
                    extensions: { code: 'SUBSCRIBER_TOO_SLOW', closeCode: closed.code },
                  },
                ],
              },
            };
          return done;
        },
        return() {
          stop();
          finish();
          return Promise.resolve(done);
        },
      };
      return wrapped;
    },
  };
}

/**
 * Writes one chunk and waits while the client is not reading (the socket buffer is full), so a
 * slow HTTP subscriber stops pulling events and the subscription hub's bounded queue, not this
 * process's memory, absorbs the difference (then closes it as too slow).
 */
export async function writeWithBackpressure(res: ServerResponse, chunk: string): Promise<void> {
  if (res.write(chunk) || res.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
