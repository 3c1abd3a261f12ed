/**
 * Apollo's multipart HTTP subscription protocol (what Apollo Client's HttpLink and Apollo Router
 * speak): a POST or GET accepting `multipart/mixed;subscriptionSpec="1.0"` is answered with
 * `content-type: multipart/mixed;boundary="graphql";subscriptionSpec="1.0"`, one JSON part per
 * event wrapped as `{"payload": result}`, an empty `{}` heartbeat part every `heartbeatMs`, and a
 * `{"payload": null, "errors": [...]}` part for anything that ends the subscription other than its
 * own completion: an operation the pipeline refuses (invalid document, limits), a subscriber too
 * slow (naming the `after` to resume with), its credential's expiry, `gongDisconnect` of its
 * connection, shutdown. Apollo Client surfaces those as protocol errors carrying each
 * `extensions.code`. The request reaches here authenticated; a refused credential was answered
 * by graphql-route.ts with its HTTP status. Internal to the HTTP edge.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import {
  isRefusal,
  type OperationParams,
  type OperationPipeline,
} from '../graphql/pipeline/operation.js';
import { eventIdOf } from '../graphql/subscriptions/member.js';
import {
  closableStream,
  endStream,
  isClosedResult,
  resumingAfter,
  writeWithBackpressure,
} from './http-stream.js';

/** What `Accept` offers for Apollo's multipart subscriptions (graphql-route.ts negotiates). */
export const MULTIPART_SUBSCRIPTION_TYPE =
  'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"';

// Every part is followed by the boundary at once: a client reads a part when its closing
// boundary arrives, so the boundary must not wait for the next event.
const BOUNDARY = '\r\n--graphql';
const part = (json: string) =>
  `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}${BOUNDARY}`;
const END = '--\r\n';
/** The operation id the counter keys a multipart request's one operation by. */
const OP = 'http';
const errorPart = (errors: readonly unknown[]) => part(JSON.stringify({ payload: null, errors }));

export interface MultipartSubscriptions {
  /** Serves one authenticated request; answers every error itself, in the protocol. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: GatewayContext,
    params: OperationParams,
  ): Promise<void>;
}

export function createMultipartSubscriptions(
  pipeline: OperationPipeline,
  opts: { heartbeatMs?: number; drainGraceMs?: number } = {},
): MultipartSubscriptions {
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  const drainGraceMs = opts.drainGraceMs ?? 5_000;
  return {
    async handle(req, res, ctx, params) {
      const closable = closableStream();
      const counter = pipeline.counter;
      counter?.subscribed(closable, OP);
      let over = false;
      const stop = (errors: readonly GraphQLFormattedError[]) => {
        if (over) return;
        over = true;
        closable.stop();
        endStream(res, `${errorPart(errors)}${END}`, drainGraceMs);
      };
      const untrack = pipeline.live.track({
        kind: 'stream',
        connectionRef: ctx.connectionRef,
        expiresAt: ctx.principal.expiresAt,
        end: (why) => stop([why.error]),
      });
      res.once('close', () => closable.stop());
      res.writeHead(200, {
        'content-type': MULTIPART_SUBSCRIPTION_TYPE,
        'cache-control': 'no-cache',
      });
      // The first heartbeat sends the headers at once, so the client knows the subscription started.
      res.write(`${BOUNDARY}${part('{}')}`);
      const heartbeat = setInterval(() => {
        if (!res.writableNeedDrain && !over) res.write(part('{}'));
      }, heartbeatMs);
      heartbeat.unref();
      try {
        const prepared = await pipeline.prepare(ctx, params, { method: req.method });
        if (isRefusal(prepared)) {
          counter?.error(closable, OP);
          return stop(prepared.errors);
        }
        if (over) return;
        counter?.started(closable, OP, prepared.document, prepared.operationName);
        const outcome = await pipeline.execute(prepared, closable.socket, closable.signal);
        if (!(Symbol.asyncIterator in outcome)) {
          counter?.next(closable, OP, outcome);
          // A query or mutation, or a subscription refused by its resolver: one payload.
          if (!over)
            await writeWithBackpressure(
              res,
              part(JSON.stringify({ payload: pipeline.formatResult(outcome) })),
            );
        } else {
          let written: string | undefined;
          for await (const result of closable.wrap(outcome)) {
            if (over || res.destroyed) break;
            if (isClosedResult(result)) return stop(resumingAfter(result, written).errors);
            counter?.next(closable, OP, result);
            written = eventIdOf(result) ?? written;
            // Written (and drained) before the next result is pulled: the hub's queue is the only buffer.
            await writeWithBackpressure(
              res,
              part(JSON.stringify({ payload: pipeline.formatResult(result) })),
            );
          }
        }
        if (!over) {
          over = true;
          endStream(res, END, drainGraceMs);
        }
      } finally {
        clearInterval(heartbeat);
        closable.stop();
        counter?.complete(closable, OP);
        untrack();
      }
    },
  };
}
