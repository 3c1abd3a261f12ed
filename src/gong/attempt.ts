/**
 * One HTTP attempt against Gong, classified for the transport's retry loop: an answer (any
 * status), a network failure (timeout or reset) or the caller's abort. Two flavours: JSON (body
 * read and parsed within the attempt timeout) and raw (the timeout covers only the wait for the
 * response head; the body is handed over as a stream).
 */
import { Readable } from 'node:stream';
import { missingScopeOf } from './errors.js';
import { ClientBodyError, streamRequest } from './stream-request.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  requestId?: string;
}

export type Outcome<A extends Answer> =
  | {
      kind: 'answer';
      res: A;
      /** A 2xx JSON answer whose body did not parse. */
      malformed: boolean;
      /** The scope a 401 says the app lacks: refreshing the token cannot help then. */
      missingScope?: string;
      /** Frees the body of an answer that will be retried. */
      discard(): Promise<void>;
    }
  | { kind: 'network'; what: 'timeout' | 'reset'; message: string }
  /** Failed on our side, not Gong's: the request could not be built, or the client's body broke off. */
  | { kind: 'local'; error: unknown }
  | { kind: 'aborted'; reason: unknown };

export interface AttemptInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
  timeoutMs: number;
  signal?: AbortSignal;
}

const headersOf = (h: Headers): Record<string, string> => {
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k.toLowerCase()] = v));
  return out;
};

const requestIdOf = (body: unknown): string | undefined =>
  body !== null &&
  typeof body === 'object' &&
  typeof (body as { requestId?: unknown }).requestId === 'string'
    ? (body as { requestId: string }).requestId
    : undefined;

function failure<A extends Answer>(
  err: unknown,
  timedOut: boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Outcome<A> {
  if (signal?.aborted) return { kind: 'aborted', reason: signal.reason };
  if (timedOut)
    return {
      kind: 'network',
      what: 'timeout',
      message: `no answer within ${Math.round(timeoutMs)} ms`,
    };
  const local = localCause(err);
  if (local !== undefined) return { kind: 'local', error: local };
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return {
    kind: 'network',
    what: 'reset',
    message: `${err instanceof Error ? err.message : String(err)}${cause}`,
  };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads up to `limit` bytes of a stream. `whole` is the body when it ended within the limit;
 * `stream` replays what was read, then the rest, so the caller still gets every byte.
 */
async function peek(
  source: ReadableStream<Uint8Array>,
  limit: number,
): Promise<{ whole?: Buffer; stream: ReadableStream<Uint8Array> }> {
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size <= limit) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.length;
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      if (done) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return done ? { whole: Buffer.concat(chunks), stream } : { stream };
}

/**
 * The client-caused error behind a failed attempt, or undefined when the failure may be Gong's.
 * fetch rejects invalid requests with a bare TypeError before connecting (its network failures
 * are `TypeError('fetch failed', {cause})`); node:http refuses bad input with ERR_INVALID_* or
 * ERR_HTTP_* codes; a broken client body arrives as ClientBodyError.
 */
function localCause(err: unknown): unknown {
  if (err instanceof ClientBodyError) return err.cause;
  if (err instanceof TypeError && err.cause === undefined) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^ERR_(INVALID_|HTTP_)/.test(code)) return err;
  return undefined;
}

/** Undici takes a Node Readable (an async iterable) as a streamed body with `duplex: 'half'`. */
function requestInit(init: AttemptInit, signal: AbortSignal): RequestInit {
  const streamed =
    init.body !== undefined && typeof init.body !== 'string' && !Buffer.isBuffer(init.body);
  return {
    method: init.method,
    headers: init.headers,
    body: init.body as unknown as RequestInit['body'],
    signal,
    // Gong's API does not redirect; following one would send the request (body included) to
    // whatever host the Location names. A 3xx is passed back as Gong's answer instead.
    redirect: 'manual',
    ...(streamed ? { duplex: 'half' } : {}),
  };
}

/** A JSON attempt: the whole exchange, body included, within `timeoutMs`. */
export async function attemptJson(
  doFetch: typeof fetch,
  url: string,
  init: AttemptInit,
): Promise<Outcome<Answer & { body: unknown }>> {
  const timeout = AbortSignal.timeout(Math.max(1, init.timeoutMs));
  const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
  try {
    const res = await doFetch(url, requestInit(init, signal));
    const text = await res.text();
    let body: unknown;
    let malformed = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        malformed = true;
      }
    }
    const missingScope = missingScopeOf({ status: res.status, body });
    return {
      kind: 'answer',
      res: {
        status: res.status,
        headers: headersOf(res.headers),
        body,
        requestId: requestIdOf(body),
      },
      malformed: malformed && res.status < 300,
      ...(missingScope === undefined ? {} : { missingScope }),
      discard: () => Promise.resolve(),
    };
  } catch (err) {
    return failure(err, timeout.aborted, init.timeoutMs, init.signal);
  }
}

export interface RawAnswer extends Answer {
  /** The response body as it arrives (null for none). */
  body: ReadableStream<Uint8Array> | null;
}

/** A raw attempt: `timeoutMs` covers the wait for the response head only; the body streams afterwards. */
export async function attemptRaw(
  doFetch: typeof fetch,
  url: string,
  init: AttemptInit,
): Promise<Outcome<RawAnswer>> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      ac.abort(new Error('timeout'));
    },
    Math.max(1, init.timeoutMs),
  );
  const signal = init.signal ? AbortSignal.any([ac.signal, init.signal]) : ac.signal;
  try {
    // Streamed bodies bypass fetch, which would keep the whole upload in memory (./stream-request.ts).
    const res =
      init.body instanceof Readable
        ? // The deadline measures silence, not total time: a 1.5 GB upload on a slow link is
          // healthy while bytes keep moving; the timer restarts per chunk and then covers Gong's answer.
          await streamRequest(url, {
            method: init.method,
            headers: init.headers,
            body: init.body,
            signal,
            onProgress: () => timer.refresh(),
          })
        : await doFetch(url, requestInit(init, signal));
    // A 401 body is a small ErrorResponse: peek at it (within the timeout, at most 64 KiB) to tell
    // a missing scope from bad credentials, then hand the same bytes on.
    let body: ReadableStream<Uint8Array> | null = res.body;
    let missingScope: string | undefined;
    if (res.status === 401 && body) {
      const peeked = await peek(body, 64 * 1024);
      body = peeked.stream;
      if (peeked.whole)
        missingScope = missingScopeOf({
          status: 401,
          body: parseOrUndefined(peeked.whole.toString('utf8')),
        });
    }
    clearTimeout(timer);
    return {
      kind: 'answer',
      res: { status: res.status, headers: headersOf(res.headers), body },
      malformed: false,
      ...(missingScope === undefined ? {} : { missingScope }),
      discard: async () => {
        await body?.cancel().catch(() => undefined);
      },
    };
  } catch (err) {
    clearTimeout(timer);
    return failure(err, timedOut, init.timeoutMs, init.signal);
  }
}
