/**
 * One driver per transport a client can reach `/graphql` with, each speaking its protocol the way
 * a real client does (fetch for HTTP, SSE and multipart framing parsed by hand, `ws` for
 * graphql-ws), and normalising what came back: an HTTP status or a WebSocket close code, the
 * GraphQL errors (message and `extensions.code`) and data. The policy table runs the same cases
 * through every one of them.
 */
import WebSocket from 'ws';

export const TRANSPORTS = [
  'http-get',
  'http-post',
  'http-batch',
  'sse-distinct',
  'sse-single',
  'multipart',
  'ws',
] as const;
export type Transport = (typeof TRANSPORTS)[number];
/** The transports a subscription can use. */
export const STREAMING = ['sse-distinct', 'sse-single', 'multipart', 'ws'] as const;
export type StreamingTransport = (typeof STREAMING)[number];

export interface GqlError {
  message: string;
  code?: string | undefined;
  extensions?: Record<string, unknown> | undefined;
}

export interface Outcome {
  /** The HTTP status of the answer (or of the request that carried the operation). */
  status?: number;
  /** The WebSocket close code, when the socket closed instead of answering. */
  closeCode?: number;
  errors: GqlError[];
  data?: unknown;
}

/**
 * What names the document: its text, or the request's fields as a client sends them (a
 * `documentId`, APQ's `extensions.persistedQuery`, or an empty `query` beside them over graphql-ws).
 */
export type Operation = string | { query?: string; documentId?: string; extensions?: object };
const fieldsOf = (op: Operation) => (typeof op === 'string' ? { query: op } : op);

const MULTIPART_ACCEPT =
  'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json';

const toErrors = (errors: unknown): GqlError[] =>
  Array.isArray(errors)
    ? errors.map((e: { message?: string; extensions?: Record<string, unknown> }) => ({
        message: String(e.message ?? ''),
        code: typeof e.extensions?.code === 'string' ? e.extensions.code : undefined,
        extensions: e.extensions,
      }))
    : [];

const fromResult = (status: number | undefined, r: unknown): Outcome => {
  const o = (r ?? {}) as { data?: unknown; errors?: unknown };
  return { status, errors: toErrors(o.errors), data: o.data };
};

async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void> {
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** The events of a `text/event-stream` body, as they arrive. */
export async function* sseEvents(
  res: Response,
): AsyncGenerator<{ event: string; data: string }, void> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunks(res.body)) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines
        .find((l) => l.startsWith('event:'))
        ?.slice(6)
        .trim();
      if (!event) continue; // a heartbeat comment
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      yield { event, data };
    }
  }
}

/** The JSON parts of an Apollo multipart body, heartbeats (`{}`) left out. */
export async function* multipartParts(res: Response): AsyncGenerator<unknown, void> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunks(res.body)) {
    buffer += decoder.decode(chunk, { stream: true });
    const parts = buffer.split('\r\n--graphql');
    buffer = parts.pop() ?? '';
    for (const p of parts) {
      const at = p.indexOf('\r\n\r\n');
      if (at < 0) continue;
      const body = p.slice(at + 4).trim();
      if (body === '' || body === '{}') continue;
      yield JSON.parse(body) as unknown;
    }
  }
}

/** A live operation on a streaming transport: what it delivered, and how it ended. */
export interface Live {
  results: Outcome[];
  /** Resolves with the final error (or close code) that ended it, or `{errors: []}` on completion. */
  ended: Promise<Outcome>;
  /** Resolves once `n` results arrived. */
  received(n: number): Promise<void>;
  close(): void;
}

function liveCollector(): {
  live: Omit<Live, 'close'>;
  push(o: Outcome): void;
  end(o: Outcome): void;
} {
  const results: Outcome[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let end!: (o: Outcome) => void;
  const ended = new Promise<Outcome>((resolve) => (end = resolve));
  let done = false;
  return {
    live: {
      results,
      ended,
      received: (n) =>
        results.length >= n
          ? Promise.resolve()
          : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    },
    push(o) {
      results.push(o);
      for (const w of waiters.filter((x) => results.length >= x.n)) w.resolve();
    },
    end(o) {
      if (done) return;
      done = true;
      end(o);
    },
  };
}

/** What each of the gateway's close codes says, as the `extensions.code` the HTTP transports use. */
const CLOSE_CODES: Record<number, string> = {
  1001: 'SHUTTING_DOWN',
  4401: 'UNAUTHENTICATED',
  4403: 'FORBIDDEN',
  4413: 'SUBSCRIBER_TOO_SLOW',
};

const wsParams = (headers: Record<string, string>) => ({
  ...(headers.authorization ? { authorization: headers.authorization } : {}),
  ...(headers['x-gong-connection'] ? { 'x-gong-connection': headers['x-gong-connection'] } : {}),
});

/**
 * Starts `query` over a streaming transport. Results that end the operation (an error naming why,
 * a close code, `complete`) resolve `ended`; the others are `results`.
 */
export async function subscribeOver(
  t: StreamingTransport,
  url: string,
  query: Operation,
  headers: Record<string, string> = {},
  variables?: Record<string, unknown>,
): Promise<Live> {
  const c = liveCollector();
  const ac = new AbortController();
  const base = { ...c.live, close: () => ac.abort() };
  const fields = fieldsOf(query);
  const body = JSON.stringify({ ...fields, variables });
  const failed = (status: number, text: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = {};
    }
    c.end(fromResult(status, parsed));
  };
  if (t === 'ws') {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    ws.on('error', () => undefined);
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'connection_init', payload: wsParams(headers) })),
    );
    ws.on('message', (m) => {
      const msg = JSON.parse((m as Buffer).toString()) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack')
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { ...fields, variables } }));
      else if (msg.type === 'next') {
        const r = fromResult(undefined, msg.payload);
        if (r.errors.length > 0 && r.data == null) c.end(r);
        else c.push(r);
      } else if (msg.type === 'error') c.end({ errors: toErrors(msg.payload) });
      else if (msg.type === 'complete') c.end({ errors: [] });
    });
    ws.on('close', (code, reason) =>
      c.end({
        closeCode: code,
        errors: [{ message: reason.toString(), code: CLOSE_CODES[code] }],
      }),
    );
    return { ...base, close: () => ws.close() };
  }
  if (t === 'multipart') {
    const res = await fetch(url, {
      method: 'POST',
      signal: ac.signal,
      headers: { ...headers, 'content-type': 'application/json', accept: MULTIPART_ACCEPT },
      body,
    });
    if (!(res.headers.get('content-type') ?? '').startsWith('multipart/mixed')) {
      failed(res.status, await res.text());
      return base;
    }
    void (async () => {
      try {
        for await (const p of multipartParts(res)) {
          const part = p as { payload?: unknown; errors?: unknown };
          if (part.payload === null || part.errors) c.end(fromResult(res.status, part));
          else c.push(fromResult(res.status, part.payload));
        }
        c.end({ status: res.status, errors: [] });
      } catch {
        c.end({ status: res.status, errors: [{ message: 'aborted' }] });
      }
    })();
    return base;
  }
  let stream: Response;
  let id: string | undefined;
  if (t === 'sse-distinct') {
    stream = await fetch(url, {
      method: 'POST',
      signal: ac.signal,
      headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body,
    });
  } else {
    const put = await fetch(url, { method: 'PUT', headers });
    if (put.status !== 201) {
      failed(put.status, await put.text());
      return base;
    }
    const token = await put.text();
    stream = await fetch(url, {
      signal: ac.signal,
      headers: { ...headers, accept: 'text/event-stream', 'x-graphql-event-stream-token': token },
    });
    id = 'op-1';
    const post = await fetch(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'x-graphql-event-stream-token': token,
      },
      body: JSON.stringify({
        ...fields,
        variables,
        extensions: { ...fields.extensions, operationId: id },
      }),
    });
    if (post.status !== 202) {
      failed(post.status, await post.text());
      ac.abort();
      return base;
    }
  }
  if (!(stream.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    failed(stream.status, await stream.text());
    return base;
  }
  void (async () => {
    try {
      for await (const e of sseEvents(stream)) {
        const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {};
        const payload = id === undefined ? data : data.payload;
        if (e.event === 'complete') {
          c.end({ status: stream.status, errors: [] });
          continue;
        }
        const r = fromResult(stream.status, payload);
        // An error without data ends the operation (the protocol's `complete` follows).
        if (r.errors.length > 0 && r.data == null) c.end(r);
        else c.push(r);
      }
      c.end({ status: stream.status, errors: [{ message: 'stream ended without complete' }] });
    } catch {
      c.end({ status: stream.status, errors: [{ message: 'aborted' }] });
    }
  })();
  return base;
}

/**
 * Sends one query or mutation over `t` and returns its first answer. A batch sends it with
 * `{ __typename }` after it, or twice when it is named rather than sent as text.
 */
export async function operationOver(
  t: Transport,
  url: string,
  query: Operation,
  headers: Record<string, string> = {},
  variables?: Record<string, unknown>,
): Promise<Outcome> {
  const json = { 'content-type': 'application/json' };
  const accept = { accept: 'application/graphql-response+json, application/json' };
  const fields = fieldsOf(query);
  switch (t) {
    case 'http-get': {
      const u = new URL(url);
      for (const [k, v] of Object.entries({ ...fields, variables }))
        if (v !== undefined) u.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      const res = await fetch(u, { headers: { ...headers, ...accept } });
      return fromResult(res.status, await res.json());
    }
    case 'http-post': {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, ...json, ...accept },
        body: JSON.stringify({ ...fields, variables }),
      });
      return fromResult(res.status, await res.json());
    }
    case 'http-batch': {
      const second = typeof query === 'string' ? { query: '{ __typename }' } : fields;
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, ...json, ...accept },
        body: JSON.stringify([{ ...fields, variables }, second]),
      });
      const body = (await res.json()) as unknown;
      return fromResult(res.status, Array.isArray(body) ? body[0] : body);
    }
    default: {
      const live = await subscribeOver(t, url, query, headers, variables);
      const end = await Promise.race([live.received(1).then(() => undefined), live.ended]);
      live.close();
      // A result and the `complete` after it can arrive in one read: the result is the answer.
      return live.results[0] ?? end ?? { errors: [] };
    }
  }
}
