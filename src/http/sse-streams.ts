/**
 * The event streams of GraphQL over SSE: one per distinct-connections request, or one per
 * reservation (graphql-sse's single connection mode). What graphql-sse's own handler did not
 * guarantee, and this does:
 * - a reservation belongs to the credential (connection, kind, subject) that made it: for any
 *   other credential its token does not exist (404);
 * - a reservation not opened within `reservationTtlMs` is dropped with its operations;
 * - a credential holds at most `maxPerCredential` streams, reserved or open, and a stream at most
 *   `maxOperations` operations;
 * - nothing is queued here: an operation pulls its next result only once the previous one was
 *   written and the socket drained (a reservation not yet opened pulls nothing), so a client that
 *   does not read leaves its results in the subscription hub's bounded queue, which closes it as
 *   too slow naming the `after` to resume with.
 * Internal to the HTTP edge.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { endStream, writeWithBackpressure } from './http-stream.js';

export interface SseStreamLimits {
  /** SSE_RESERVATION_TTL_MS. */
  reservationTtlMs: number;
  /** SSE_MAX_STREAMS_PER_CREDENTIAL. */
  maxPerCredential: number;
  /** Operations one stream carries at once. */
  maxOperations: number;
  /** Comment line sent while idle, so proxies keep the connection. */
  heartbeatMs: number;
  /** How long a client gets to read a stream's last message before its socket is freed. */
  drainGraceMs: number;
}

/** An operation as its stream knows it. */
export interface StreamOperation {
  /** Stops it quietly (the client's DELETE, or the stream closed under it). */
  stop(): void;
}

export interface SseStream {
  /** Undefined for a distinct-connections stream. */
  readonly token: string | undefined;
  readonly owner: string;
  /** Whether the client holds the response (a reservation waits for its GET). */
  isOpen(): boolean;
  ended(): boolean;
  /** Attaches the client's response; the operations start writing. */
  open(res: ServerResponse): void;
  /**
   * Writes one message once the stream is open and the client read the previous ones. Messages
   * sent before `end` are still written (a final error); after it, none.
   */
  send(message: string): Promise<void>;
  /** Registers an operation; false when the stream already carries `maxOperations`. */
  add(id: string, op: StreamOperation): boolean;
  /** The ids of its operations now. */
  ids(): string[];
  /** The operation ended (completed, or stopped by the client). */
  remove(id: string): void;
  has(id: string): boolean;
  stop(id: string): boolean;
  /** Ends the stream: its operations stop, the response ends once what was sent is written. */
  end(): void;
  /** Called once, when the stream ends. */
  onEnd(fn: () => void): void;
}

export interface SseStreams {
  /** A new stream for `owner`, or undefined when the owner holds its maximum already. */
  create(owner: string, reserve: boolean): SseStream | undefined;
  /** The reserved stream of `token` if `owner` made it; any other owner sees no stream. */
  find(token: string, owner: string): SseStream | undefined;
  /** Streams held (reserved or open), all owners. */
  size(): number;
}

/** `event: <name>` and one `data:` line (JSON never holds a raw newline). */
export const sseMessage = (event: 'next' | 'complete', data: unknown): string =>
  `event: ${event}\ndata:${data === undefined ? '' : ` ${JSON.stringify(data)}`}\n\n`;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // Proxies (nginx) must pass each event on at once.
  'x-accel-buffering': 'no',
};

export function createSseStreams(limits: SseStreamLimits): SseStreams {
  const reserved = new Map<string, SseStream>();
  const live = new Set<SseStream>();
  const held = new Map<string, number>();

  const release = (owner: string) => {
    const n = (held.get(owner) ?? 1) - 1;
    if (n <= 0) held.delete(owner);
    else held.set(owner, n);
  };

  function makeStream(owner: string, token: string | undefined): SseStream {
    const ops = new Map<string, StreamOperation>();
    const ends: (() => void)[] = [];
    let res: ServerResponse | undefined;
    let done = false;
    let opened!: () => void;
    const openedP = new Promise<void>((resolve) => (opened = resolve));
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let expiry: ReturnType<typeof setTimeout> | undefined;
    // Messages are written one at a time, in order, each after the previous one drained.
    let tail: Promise<void> = openedP;

    const stream: SseStream = {
      token,
      owner,
      isOpen: () => res !== undefined,
      ended: () => done,
      open(r) {
        if (done || res) return;
        res = r;
        clearTimeout(expiry);
        r.writeHead(200, SSE_HEADERS);
        r.write(':\n\n');
        heartbeat = setInterval(() => {
          if (!r.writableNeedDrain) r.write(':\n\n');
        }, limits.heartbeatMs);
        heartbeat.unref();
        r.once('close', () => stream.end());
        opened();
      },
      send(message) {
        const accepted = !done;
        const next = tail.then(async () => {
          if (!accepted || !res || res.destroyed) return;
          await writeWithBackpressure(res, message);
        });
        tail = next;
        return next;
      },
      add(id, op) {
        if (done || ops.size >= limits.maxOperations) return false;
        ops.set(id, op);
        return true;
      },
      ids: () => [...ops.keys()],
      remove: (id) => void ops.delete(id),
      has: (id) => ops.has(id),
      stop(id) {
        const op = ops.get(id);
        if (!op) return false;
        ops.delete(id);
        op.stop();
        return true;
      },
      end() {
        if (done) return;
        done = true;
        clearTimeout(expiry);
        clearInterval(heartbeat);
        if (token !== undefined) reserved.delete(token);
        live.delete(stream);
        release(owner);
        for (const op of [...ops.values()]) op.stop();
        ops.clear();
        opened();
        for (const fn of ends.splice(0)) fn();
        const r = res;
        if (!r) return;
        // What was sent before the end (a final error) goes out first; a client that does not
        // read it within the grace period has its socket freed.
        const grace = setTimeout(() => r.destroy(), limits.drainGraceMs);
        grace.unref();
        void tail.then(() => {
          clearTimeout(grace);
          endStream(r, '', limits.drainGraceMs);
        });
      },
      onEnd(fn) {
        if (done) fn();
        else ends.push(fn);
      },
    };
    if (token !== undefined) {
      // A reservation nobody opens in time is dropped, with whatever was added to it.
      expiry = setTimeout(() => stream.end(), limits.reservationTtlMs);
      expiry.unref();
    }
    return stream;
  }

  return {
    create(owner, reserve) {
      const n = held.get(owner) ?? 0;
      if (n >= limits.maxPerCredential) return undefined;
      held.set(owner, n + 1);
      const token = reserve ? randomUUID() : undefined;
      const stream = makeStream(owner, token);
      live.add(stream);
      if (token !== undefined) reserved.set(token, stream);
      return stream;
    },
    find(token, owner) {
      const s = reserved.get(token);
      return s && s.owner === owner ? s : undefined;
    },
    size: () => live.size,
  };
}
