/**
 * GraphQL over Server-Sent Events (the graphql-sse protocol: Hive Gateway, urql's
 * `fetchSubscriptions`, graphql-sse's client) on `/graphql`, through graphql-sse's own handler.
 * Both of its modes work: distinct connections (one `Accept: text/event-stream` request per
 * operation) and single connection (PUT reserves a stream, GET opens it, POSTs carrying
 * `x-graphql-event-stream-token` add operations, DELETE stops one). Every request is authenticated
 * before anything is reserved or buffered, and each operation goes through the shared preparation
 * (limits, errors) and subscription hub. Reserved streams live in this process: single-connection
 * mode needs sticky sessions behind a load balancer; distinct connections do not.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import {
  createHandler,
  type Request as SseRequest,
  type Response as SseResponse,
} from 'graphql-sse';
import type { EarlyAnswer, HttpOperations } from './http-operation.js';
import { writeWithBackpressure, type ClosableStream } from './http-stream.js';

export const STREAM_TOKEN_HEADER = 'x-graphql-event-stream-token';

/** Whether a `/graphql` request belongs to the SSE transport. */
export function isSseRequest(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  const token = req.headers[STREAM_TOKEN_HEADER] !== undefined || /[?&]token=/.test(req.url ?? '');
  return accept.includes('text/event-stream') || token || req.method === 'PUT';
}

interface RawRequest {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** The operation's stream, once `onSubscribe` opened it (one operation per request). */
  stream?: ClosableStream;
}

const toTuple = (a: EarlyAnswer): SseResponse => [
  JSON.stringify(a.body),
  { status: a.status, statusText: '', headers: a.headers },
];

export interface SseSubscriptions {
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: () => Promise<string>,
  ): Promise<void>;
}

export function createSseSubscriptions(ops: HttpOperations): SseSubscriptions {
  const handler = createHandler<RawRequest, undefined, undefined>({
    // Validation already ran in `prepare` with the gateway's rules; graphql-sse must not redo it without them.
    validate: () => [],
    authenticate: async (req) => {
      const refused = await ops.authenticate(req.raw.req, req.raw.requestId);
      if (refused) return toTuple(refused);
      if (req.method === 'PUT') return randomUUID();
      const header = req.headers.get(STREAM_TOKEN_HEADER);
      if (header) return header;
      return new URL(req.url, 'http://gateway.invalid').searchParams.get('token') ?? '';
    },
    onSubscribe: async (req, params) => {
      const stream = ops.openStream();
      req.raw.stream = stream;
      // Distinct connections: this request's response is the stream. (In single-connection mode
      // graphql-sse ends each operation itself when the reserved stream closes.)
      if (req.headers.get('accept') === 'text/event-stream')
        req.raw.res.once('close', () => stream.stop());
      const prepared = await ops.prepare(req.raw.req, req.raw.requestId, params, stream);
      if (!prepared.ok) {
        stream.stop();
        return toTuple(prepared.answer);
      }
      const outcome = await ops.run(prepared.args);
      if (!(Symbol.asyncIterator in outcome)) {
        stream.stop();
        return ops.format(outcome, stream) as never;
      }
      return stream.wrap(outcome) as never;
    },
    onNext: (_ctx, req, result) => {
      const { stream } = req.raw;
      if (!stream || !('data' in result || 'errors' in result)) return undefined;
      const formatted = ops.format(result as ExecutionResult, stream);
      return formatted === result ? undefined : (formatted as never);
    },
  });

  return {
    async handle(req, res, requestId, body) {
      const accept = req.headers.accept ?? '';
      const request: SseRequest<RawRequest, undefined> = {
        method: req.method ?? 'GET',
        url: req.url ?? '/graphql',
        headers: {
          // graphql-sse compares `accept` exactly; clients list several types.
          get: (key) =>
            key === 'accept'
              ? accept.includes('text/event-stream')
                ? 'text/event-stream'
                : accept.includes('application/json') || accept === ''
                  ? 'application/json'
                  : accept
              : headerOf(req, key),
        },
        body,
        raw: { req, res, requestId },
        context: undefined,
      };
      const [out, init] = await handler(request);
      res.writeHead(init.status, init.statusText || undefined, init.headers);
      if (out === null || typeof out === 'string') {
        res.end(out ?? undefined);
        return;
      }
      res.once('close', () => void out.return(undefined));
      res.flushHeaders();
      for await (const chunk of out) {
        if (res.destroyed) break;
        await writeWithBackpressure(res, chunk);
      }
      res.end();
    },
  };
}

function headerOf(req: IncomingMessage, key: string): string | undefined {
  const v = req.headers[key];
  return Array.isArray(v) ? v.join(', ') : v;
}
