/**
 * GraphQL over Server-Sent Events: the graphql-sse protocol (Hive Gateway, urql's
 * `fetchSubscriptions`, graphql-sse's client, the explorer) on `/graphql`, in both its modes:
 * - distinct connections: a GET or POST whose response is the event stream of its one operation;
 * - single connection: PUT reserves a stream (201 and its token), a GET with the token opens it,
 *   POSTs with the token add operations (202; their results go to the stream, tagged with the
 *   operation's `extensions.operationId`), DELETE `?operationId=` stops one.
 * graphql-sse's own handler is not used: it buffered results without bound for a stream that is
 * not read (or never opened) and did not bind reservations to who made them (./sse-streams.ts
 * holds those guarantees). The requests reach here authenticated (graphql-route.ts refuses the
 * others before reading a byte of their body); every operation goes through the operation
 * pipeline. An operation the pipeline refuses answers as the protocol says errors do, so clients
 * surface them as GraphQL errors: a `next` carrying `{ errors }`, then `complete`. Reserved
 * streams live in this process: single connection mode needs sticky sessions behind a load
 * balancer; distinct connections do not. Internal to the HTTP edge.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../graphql/context.js';
import type { LiveEnd } from '../graphql/pipeline/live.js';
import {
  isRefusal,
  type OperationParams,
  type OperationPipeline,
} from '../graphql/pipeline/operation.js';
import { eventIdOf } from '../graphql/subscriptions/member.js';
import { closableStream, isClosedResult, resumingAfter } from './http-stream.js';
import { sendJson } from './respond.js';
import {
  createSseStreams,
  sseMessage,
  type SseStream,
  type SseStreamLimits,
} from './sse-streams.js';

export const STREAM_TOKEN_HEADER = 'x-graphql-event-stream-token';

/** The operation id the counter keys an HTTP stream's one operation by. */
const OP = 'http';

/** The reservation token of a request (header, or `token` in the query string for EventSource). */
export function streamTokenOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers[STREAM_TOKEN_HEADER];
  const token = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('token');
  return token === null || token === '' ? undefined : token;
}

/** Requests that belong to single connection mode whatever they accept: PUT, or any carrying a token. */
export const isSseControlRequest = (req: IncomingMessage, url: URL): boolean =>
  req.method === 'PUT' || streamTokenOf(req, url) !== undefined;

export interface SseSubscriptions {
  /** Single connection mode: PUT, DELETE and requests carrying a token. */
  control(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    ctx: GatewayContext,
    body: () => Promise<OperationParams>,
  ): Promise<void>;
  /** Distinct connections mode: one operation, its own stream. */
  distinct(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: GatewayContext,
    params: OperationParams,
  ): Promise<void>;
  /** Streams held now (reserved or open). */
  size(): number;
}

const notFound = (res: ServerResponse) =>
  sendJson(res, 404, {
    errors: [{ message: 'Stream not found', extensions: { code: 'NOT_FOUND' } }],
  });

const tooMany = (res: ServerResponse, message: string) =>
  sendJson(res, 429, { errors: [{ message, extensions: { code: 'STREAM_LIMIT_EXCEEDED' } }] });

export function createSseSubscriptions(
  pipeline: OperationPipeline,
  limits: SseStreamLimits,
): SseSubscriptions {
  const streams = createSseStreams(limits);
  /** Distinct connections carry the payload as is; single connection wraps it with the operation id. */
  const message = (id: string | undefined, event: 'next' | 'complete', payload?: unknown) =>
    sseMessage(event, id === undefined ? payload : { id, ...(payload ? { payload } : {}) });
  const errorsThenComplete = (id: string | undefined, errors: unknown[]) =>
    message(id, 'next', { errors }) + message(id, 'complete');

  /** The operations of reserved streams, by stream, so the stream's end can reach each one. */
  const farewells = new WeakMap<SseStream, Map<string, (why: LiveEnd) => void>>();

  /**
   * Starts one operation on a stream (undefined when the stream carries its maximum already). It
   * runs until it completes, the client stops it, or it is ended from outside (expiry,
   * disconnect, shutdown: a `next` with that error, then `complete`). A refusal is told the same
   * way, so clients surface it as GraphQL errors.
   */
  function begin(
    stream: SseStream,
    id: string | undefined,
    ctx: GatewayContext,
  ): ((params: OperationParams, method: string) => Promise<void>) | undefined {
    const closable = closableStream();
    // A distinct stream's one operation is known as '' (it stops when the client goes away).
    if (!stream.add(id ?? '', { stop: () => closable.stop() })) return undefined;
    // Counted like a graphql-ws operation: the closable stream stands for the socket.
    const counter = pipeline.counter;
    counter?.subscribed(closable, OP);
    // Once set, the operation's last message is written or queued: nothing may follow it.
    let over = false;
    const finish = (why: LiveEnd) => {
      if (over) return;
      over = true;
      void stream.send(errorsThenComplete(id, [why.error]));
      closable.stop();
    };
    const untrack = pipeline.live.track({
      kind: 'stream',
      connectionRef: ctx.connectionRef,
      expiresAt: ctx.principal.expiresAt,
      end: finish,
    });
    if (id !== undefined) farewells.get(stream)?.set(id, finish);
    return async (params, method) => {
      try {
        const prepared = await pipeline.prepare(ctx, params, { method });
        if (over) return;
        if (isRefusal(prepared)) {
          over = true;
          counter?.error(closable, OP);
          await stream.send(errorsThenComplete(id, prepared.errors));
          return;
        }
        counter?.started(closable, OP, prepared.document, prepared.operationName);
        const outcome = await pipeline.execute(prepared, closable.socket, closable.signal);
        if (!(Symbol.asyncIterator in outcome)) {
          counter?.next(closable, OP, outcome);
          if (!over) await stream.send(message(id, 'next', pipeline.formatResult(outcome)));
        } else {
          let written: string | undefined;
          for await (const result of closable.wrap(outcome)) {
            if (over) break;
            if (isClosedResult(result)) {
              // Too slow: the last message names where to resume, then `complete`.
              await stream.send(message(id, 'next', resumingAfter(result, written)));
              break;
            }
            counter?.next(closable, OP, result);
            written = eventIdOf(result) ?? written;
            // Written (and drained) before the next result is pulled: the hub's queue is the only buffer.
            await stream.send(message(id, 'next', pipeline.formatResult(result)));
          }
        }
        if (!over) {
          over = true;
          await stream.send(message(id, 'complete'));
        }
      } finally {
        over = true;
        closable.stop();
        counter?.complete(closable, OP);
        untrack();
        stream.remove(id ?? '');
        if (id === undefined) stream.end();
        else farewells.get(stream)?.delete(id);
      }
    };
  }

  return {
    size: () => streams.size(),

    async distinct(req, res, ctx, params) {
      const stream = streams.create(pipeline.credentialKey(ctx, req), false);
      if (!stream) {
        tooMany(res, `This credential holds ${limits.maxPerCredential} SSE streams already`);
        return;
      }
      stream.open(res);
      await begin(stream, undefined, ctx)?.(params, req.method ?? 'GET');
    },

    async control(req, res, url, ctx, body) {
      const owner = pipeline.credentialKey(ctx, req);
      if (req.method === 'PUT') {
        const stream = streams.create(owner, true);
        if (!stream) {
          tooMany(res, `This credential holds ${limits.maxPerCredential} SSE streams already`);
          return;
        }
        const ops = new Map<string, (why: LiveEnd) => void>();
        farewells.set(stream, ops);
        // The stream ends with its credential, its connection or the instance: each operation says so first.
        const untrack = pipeline.live.track({
          kind: 'stream',
          connectionRef: ctx.connectionRef,
          expiresAt: ctx.principal.expiresAt,
          end: (why) => {
            for (const finish of [...ops.values()]) finish(why);
            stream.end();
          },
        });
        stream.onEnd(untrack);
        const text = stream.token as string;
        res.writeHead(201, {
          'content-type': 'text/plain; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
        return;
      }
      const token = streamTokenOf(req, url);
      // A token another credential reserved does not exist for this one.
      const stream = token === undefined ? undefined : streams.find(token, owner);
      if (!stream || stream.ended()) {
        notFound(res);
        return;
      }
      if (req.method === 'DELETE') {
        const id = url.searchParams.get('operationId');
        if (!id) {
          sendJson(res, 400, {
            errors: [{ message: 'Operation ID is missing', extensions: { code: 'BAD_REQUEST' } }],
          });
          return;
        }
        stream.stop(id);
        res.writeHead(200).end();
        return;
      }
      if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/event-stream')) {
        if (stream.isOpen()) {
          sendJson(res, 409, {
            errors: [{ message: 'Stream already open', extensions: { code: 'CONFLICT' } }],
          });
          return;
        }
        stream.open(res);
        return;
      }
      const params = await body();
      const ext = params.extensions;
      const id =
        typeof ext === 'object' && ext !== null
          ? (ext as { operationId?: unknown }).operationId
          : undefined;
      if (typeof id !== 'string' || id === '') {
        sendJson(res, 400, {
          errors: [{ message: 'Operation ID is missing', extensions: { code: 'BAD_REQUEST' } }],
        });
        return;
      }
      if (stream.has(id)) {
        sendJson(res, 409, {
          errors: [
            { message: 'Operation with ID already exists', extensions: { code: 'CONFLICT' } },
          ],
        });
        return;
      }
      const run = begin(stream, id, ctx);
      if (!run) {
        tooMany(res, `A stream carries at most ${limits.maxOperations} operations at once`);
        return;
      }
      res.writeHead(202).end();
      await run(params, req.method ?? 'POST');
    },
  };
}
