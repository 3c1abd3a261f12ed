/**
 * Sends a request whose body is a Node stream with node:http(s) rather than fetch. Node 20's
 * fetch (undici 6) keeps every chunk of a streamed request body until the exchange ends (measured:
 * a 200 MB upload stayed in memory whatever the stream's high-water mark), so a 1.5 GB media
 * upload would sit in RAM. node:http writes with backpressure. Resolves with a fetch `Response`
 * once the answer's head arrived, so callers treat both paths alike; the body streams afterwards.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StreamRequestInit {
  method: string;
  headers: Record<string, string>;
  body: Readable;
  signal: AbortSignal;
  /** Called as each body chunk goes out (the caller's inactivity deadline restarts). */
  onProgress?: () => void;
}

/** A web stream that reads from `source` only when its reader asks (no read-ahead). */
export function pullOnly(source: Readable): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string, undefined>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? Buffer.from(value) : value);
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

function responseOf(res: IncomingMessage, method: string): Response {
  const status = res.statusCode ?? 502;
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  // fetch's Response refuses a body for these statuses.
  const noBody = status === 204 || status === 205 || status === 304 || method === 'HEAD';
  if (noBody) res.resume();
  return new Response(noBody ? null : pullOnly(res), { status, headers });
}

/**
 * The client's body failed while it was being sent (the client went away, or it passed a size
 * limit): the client's fault, never Gong's, so it is neither retried nor counted by the breaker.
 */
export class ClientBodyError extends Error {
  override readonly name = 'ClientBodyError';
}

export function streamRequest(url: string, init: StreamRequestInit): Promise<Response> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  // Every body is framed: node:http sends a body on GET/DELETE unframed unless told.
  const headers = { ...init.headers };
  if (headers['content-length'] === undefined) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    let bodyError: unknown;
    const fail = (err: Error) =>
      reject(
        bodyError === undefined
          ? err
          : new ClientBodyError('the request body failed while it was sent', { cause: bodyError }),
      );
    // A fresh socket that closes after this exchange (`agent: false`): a socket that carried a
    // streamed body is never reused, so no byte of it can reach another connection's request.
    const req = send(
      target,
      { method: init.method, headers, signal: init.signal, agent: false },
      (res) => resolve(responseOf(res, init.method)),
    );
    // Writing past the declared content-length throws instead of sending extra bytes.
    (req as typeof req & { strictContentLength: boolean }).strictContentLength = true;
    req.on('error', fail);
    const progress = init.onProgress;
    async function* body(source: AsyncIterable<Buffer>) {
      try {
        for await (const chunk of source) {
          progress?.();
          yield chunk;
        }
      } catch (e) {
        bodyError = e;
        throw e;
      }
    }
    // A failing body (client gone, size limit) destroys the request, which rejects above.
    pipeline(init.body, body, req).catch(fail);
  });
}
