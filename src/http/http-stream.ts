/**
 * A subscription stream an HTTP transport can end from inside: the subscription hub and resolvers
 * close a too-slow subscriber through `services.subscriberSocket` (4413 on WebSocket). Over SSE
 * and multipart the same close ends the stream with one last result whose error names the close
 * code and where to resume (`after`). Internal to the HTTP edge.
 */
import type { ServerResponse } from 'node:http';
import { tooSlowReason, type SubscriberSocket } from '../events/services.js';

export interface ClosableStream {
  /** Handed to the operation's context as `services.subscriberSocket`. */
  socket: SubscriberSocket;
  /** The client went away: ends the stream at once, even while it waits for the next event. */
  stop(): void;
  /** Aborted by `stop`: the operation's queued Gong requests are dropped. */
  signal: AbortSignal;
  /**
   * Yields the source's results until it ends, `socket.close` or `stop` is called. Unlike an async
   * generator, its `return()` does not queue behind a pending `next()`: it ends the source at once.
   */
  wrap<T>(source: AsyncIterable<T>): AsyncIterableIterator<T | ClosedResult>;
}

export interface ClosedResult {
  errors: { message: string; extensions: { code: 'SUBSCRIBER_TOO_SLOW'; closeCode: number } }[];
}

/**
 * The too-slow result with the resume point a transport knows better than the hub: the eventId of
 * the last result it wrote (the hub counts a result delivered only when the next one is asked for).
 */
export function resumingAfter(closed: ClosedResult, lastWritten: string | undefined): ClosedResult {
  if (lastWritten === undefined) return closed;
  return {
    errors: closed.errors.map((e) => ({ ...e, message: tooSlowReason(lastWritten) })),
  };
}

/** Whether a result is the one a too-slow close produced (the stream ends after it). */
export const isClosedResult = (r: unknown): r is ClosedResult =>
  typeof r === 'object' &&
  r !== null &&
  Array.isArray((r as ClosedResult).errors) &&
  (r as ClosedResult).errors.some((e) => e.extensions?.code === 'SUBSCRIBER_TOO_SLOW');

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
  const aborted = new AbortController();
  const stop = () => {
    stopped = true;
    wake();
    end();
    aborted.abort(new Error('The client went away'));
  };
  return {
    signal: aborted.signal,
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
          // A close from inside can end the source first (the hub lets the member go, then closes
          // its socket): the close still wins, so the last result names where to resume.
          if (next !== CLOSED && !next.done && !finished && !closed) return next;
          finish();
          // A close from inside (too slow) is reported once, with where to resume.
          if (closed && !stopped)
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

/**
 * Ends a streamed response with its last bytes, and frees the socket of a client that does not
 * read them within `graceMs`: a stream ended for being too slow, or at shutdown, must not keep a
 * buffer (or the server's drain) waiting on a peer that never reads.
 */
export function endStream(res: ServerResponse, last: string, graceMs: number): void {
  if (res.destroyed) return;
  if (res.writableEnded) return;
  res.end(last);
  if (res.writableFinished) return;
  const timer = setTimeout(() => res.destroy(), graceMs);
  timer.unref();
  res.once('finish', () => clearTimeout(timer));
  res.once('close', () => clearTimeout(timer));
}
