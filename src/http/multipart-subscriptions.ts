/**
 * Apollo's multipart HTTP subscription protocol (what Apollo Client's HttpLink and Apollo Router
 * speak): a POST or GET with `Accept: multipart/mixed;subscriptionSpec="1.0"` is answered with
 * `content-type: multipart/mixed;boundary="graphql";subscriptionSpec="1.0"`, one JSON part per
 * event wrapped as `{"payload": result}`, an empty `{}` heartbeat part every `heartbeatMs`, and a
 * `{"payload": null, "errors": [...]}` part for a transport-level end (a subscriber too slow).
 * Authentication, limits and `after` resume are those of every other transport (http-operation.ts);
 * failures before the stream starts are plain JSON 4xx answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpOperations, OperationParams } from './http-operation.js';
import { writeWithBackpressure } from './http-stream.js';

/** Whether the client asks for Apollo's multipart subscriptions. */
export function acceptsMultipartSubscriptions(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('multipart/mixed') && /subscriptionSpec\s*=\s*"?1\.0/i.test(accept);
}

// Every part is followed by the boundary at once: a client reads a part when its closing
// boundary arrives, so the boundary must not wait for the next event.
const BOUNDARY = '\r\n--graphql';
const part = (json: string) =>
  `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}${BOUNDARY}`;
const END = '--\r\n';

export interface MultipartSubscriptions {
  /** Serves one prepared-or-refused subscription request; answers every error itself. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    params: OperationParams,
  ): Promise<void>;
}

export function createMultipartSubscriptions(
  ops: HttpOperations,
  opts: { heartbeatMs?: number } = {},
): MultipartSubscriptions {
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  return {
    async handle(req, res, requestId, params) {
      const stream = ops.openStream();
      const prepared = await ops.prepare(req, requestId, params, stream);
      if (!prepared.ok) {
        stream.stop();
        const text = JSON.stringify(prepared.answer.body);
        res.writeHead(prepared.answer.status, {
          ...prepared.answer.headers,
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
        return;
      }
      const outcome = await ops.run(prepared.args);
      res.writeHead(200, {
        'content-type': 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
        'cache-control': 'no-cache',
      });
      // The first heartbeat sends the headers at once, so the client knows the subscription started.
      res.write(`${BOUNDARY}${part('{}')}`);
      if (!(Symbol.asyncIterator in outcome)) {
        stream.stop();
        // Not a stream: a query or mutation, or a subscription refused by its resolver.
        res.end(`${part(JSON.stringify({ payload: ops.format(outcome, stream) }))}${END}`);
        return;
      }
      const heartbeat = setInterval(() => res.write(part('{}')), heartbeatMs);
      heartbeat.unref();
      const results = stream.wrap(outcome);
      res.once('close', () => stream.stop());
      try {
        for await (const result of results) {
          if (res.destroyed) break;
          const closed =
            'errors' in result &&
            result.errors?.some(
              (e) =>
                (e as { extensions?: { code?: unknown } }).extensions?.code ===
                'SUBSCRIBER_TOO_SLOW',
            );
          await writeWithBackpressure(
            res,
            part(
              JSON.stringify(
                closed
                  ? { payload: null, errors: result.errors }
                  : { payload: ops.format(result as never, stream) },
              ),
            ),
          );
        }
      } finally {
        clearInterval(heartbeat);
        if (!res.destroyed) res.end(END);
      }
    },
  };
}
