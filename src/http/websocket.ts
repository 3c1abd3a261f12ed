/**
 * GraphQL over WebSocket (graphql-ws, subprotocol `graphql-transport-ws`) on the HTTP server's
 * port and `/graphql` path: a thin adapter over the operation pipeline. Authentication happens in
 * `connection_init` (`authorization` param, the same API keys and JWTs as HTTP): missing or
 * invalid closes with 4401, forbidden with 4403. Each operation is authenticated again, prepared
 * (document, limits, policy) and executed by the pipeline, its errors formatted by it. A socket
 * lives as long as its credential and connection: expiry closes it with 4401, `gongDisconnect`
 * with 4403, shutdown with 1001. Each operation's context carries a handle on its socket
 * (`subscriberSocket`) so a too-slow subscriber can be closed with 4413. Operations are counted
 * in `gong_gateway_graphql_operations_total` like HTTP ones, once each, when they end.
 */
import type { Server } from 'node:http';
import { handleProtocols } from 'graphql-ws';
import { WsCloseCode } from '../close-codes.js';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { WebSocketServer } from 'ws';
import type { GatewayContext } from '../graphql/context.js';
import { ErrorCode } from '../errors.js';
import { isRefusal, type OperationPipeline, type Refusal } from '../graphql/pipeline/operation.js';
import {
  createOperationLabel,
  type OperationLabel,
} from '../observability/graphql-metrics-plugin.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createWsOperationMetrics } from '../observability/ws-operation-metrics.js';
import type { SubscriberSocket } from '../events/services.js';
import { guardWebSocketServer, verifyOrigin } from './websocket-guard.js';

export interface GraphQLWebSocketOptions {
  server: Server;
  pipeline: OperationPipeline;
  logger: Logger;
  /** Counts operations; without it nothing is counted. */
  metrics?: Metrics | undefined;
  /** The HTTP plugin's labeler, so both transports share one bounded label set. @default a new one */
  operationLabel?: OperationLabel | undefined;
  /** @default '/graphql' */
  path?: string;
  /** Ping interval; a socket that misses a pong is terminated. @default 12_000 */
  keepAliveMs?: number;
  /** Time allowed for `connection_init`, else close 4408. @default 3_000 */
  connectionInitWaitTimeoutMs?: number;
  /** Largest message (WS_MAX_MESSAGE_BYTES); above it ws closes with 1009. @default 262_144 */
  maxMessageBytes?: number;
  /** Sockets that may wait for `connection_init` at once (WS_MAX_UNAUTHENTICATED_SOCKETS). @default 100 */
  maxUnauthenticated?: number;
  /** The same, per peer address (WS_MAX_UNAUTHENTICATED_PER_PEER). @default 10 */
  maxUnauthenticatedPerPeer?: number;
  /** TRUST_PROXY: proxies in front that append to X-Forwarded-For. @default 0 */
  trustProxy?: number;
  /** CORS_ORIGINS: browsers from other origins cannot upgrade. @default [] (not checked) */
  allowedOrigins?: readonly string[];
}

export interface GraphQLWebSocket {
  /** Closes every socket (1001) and the WebSocket server. */
  dispose(): Promise<void>;
}

/** Close reasons must fit one frame (< 124 bytes). */
const reason = (s: string) => (Buffer.byteLength(s) > 120 ? `${s.slice(0, 117)}...` : s);

/** The close code for a refused credential: 4403 when forbidden, 4401 otherwise. */
const authCloseCode = (r: Refusal): number =>
  r.errors[0]?.extensions?.code === ErrorCode.FORBIDDEN
    ? WsCloseCode.Forbidden
    : WsCloseCode.Unauthorized;

/** graphql-ws takes GraphQLErrors from `onSubscribe`; `onError` formats them back. */
const asErrors = (errors: readonly GraphQLFormattedError[]) =>
  errors.map(
    (e) =>
      new GraphQLError(e.message, {
        extensions: { ...e.extensions, formatted: true },
      }),
  );

export function attachGraphQLWebSocket(opts: GraphQLWebSocketOptions): GraphQLWebSocket {
  const wss = new WebSocketServer({
    server: opts.server,
    path: opts.path ?? '/graphql',
    maxPayload: opts.maxMessageBytes ?? 256 * 1024,
    verifyClient: verifyOrigin(opts.allowedOrigins ?? []),
  });
  const initTimeoutMs = opts.connectionInitWaitTimeoutMs ?? 3_000;
  // Registered before graphql-ws's own listener, so a refused socket is closed first.
  const guard = guardWebSocketServer(wss, {
    maxUnauthenticated: opts.maxUnauthenticated ?? 100,
    maxUnauthenticatedPerPeer: opts.maxUnauthenticatedPerPeer ?? 10,
    trustProxy: opts.trustProxy ?? 0,
    initTimeoutMs,
  });
  const { pipeline } = opts;
  const presence = new WeakMap<object, AbortSignal>();
  const shown = (e: GraphQLError): GraphQLFormattedError => {
    if (e.extensions.formatted !== true) return pipeline.formatError(e.toJSON(), e);
    return { message: e.message, extensions: { ...e.extensions, formatted: undefined } };
  };
  const counted = opts.metrics
    ? createWsOperationMetrics(opts.metrics, opts.operationLabel ?? createOperationLabel())
    : undefined;
  const authRequest = (ctx: {
    extra: { request: { headers: import('node:http').IncomingHttpHeaders } };
    connectionParams?: Readonly<Record<string, unknown>> | undefined;
  }) => ({ headers: ctx.extra.request.headers, connectionParams: ctx.connectionParams ?? {} });

  const disposable = useServer(
    {
      schema: pipeline.schema,
      connectionInitWaitTimeout: initTimeoutMs,
      // Identical subscriptions share one execution per event instead of one per subscriber.
      subscribe: (args) => pipeline.subscribe(args),
      execute: (args) => pipeline.executeArgs(args),
      onConnect: async (ctx) => {
        // Authenticate once here so a bad credential closes the socket before any operation.
        const c = await pipeline.authenticate(authRequest(ctx));
        if (isRefusal(c)) {
          ctx.extra.socket.close(authCloseCode(c), reason(c.errors[0]?.message ?? 'Unauthorized'));
          return false;
        }
        guard.authenticated(ctx.extra.socket);
        // The socket's operations drop their queued Gong requests once it closes.
        const gone = new AbortController();
        presence.set(ctx.extra.socket, gone.signal);
        ctx.extra.socket.once('close', () => gone.abort(new Error('The socket closed')));
        // The socket lives as long as its credential and connection, and the instance.
        const untrack = pipeline.live.track({
          kind: 'socket',
          connectionRef: c.connectionRef,
          expiresAt: c.principal.expiresAt,
          end: (why) => ctx.extra.socket.close(why.closeCode, reason(why.error.message)),
        });
        ctx.extra.socket.once('close', untrack);
        return true;
      },
      // The pipeline parses and validates here, not graphql-ws: there a parse failure (a syntax
      // error, a document over the token limit) is an internal error that closes the whole
      // socket with 4500; here it fails only its operation, with the codes HTTP gives.
      onSubscribe: async (ctx, id, payload) => {
        counted?.subscribed(ctx, id);
        const base = await pipeline.authenticate(authRequest(ctx));
        if (isRefusal(base)) {
          // The credential expired or was revoked since connection_init.
          ctx.extra.socket.close(
            authCloseCode(base),
            reason(base.errors[0]?.message ?? 'Unauthorized'),
          );
          return asErrors(base.errors);
        }
        const prepared = await pipeline.prepare(base, payload, { method: 'POST' });
        if (isRefusal(prepared)) return asErrors(prepared.errors);
        counted?.started(ctx, id, prepared.document, prepared.operationName);
        const subscriberSocket: SubscriberSocket = {
          close: (code, why) => ctx.extra.socket.close(code, reason(why)),
        };
        return {
          schema: pipeline.schema,
          document: prepared.document,
          operationName: prepared.operationName,
          variableValues: prepared.variables,
          contextValue: {
            ...prepared.ctx,
            subscriberSocket,
            signal: presence.get(ctx.extra.socket),
          } satisfies GatewayContext,
        };
      },
      onNext: (ctx, id, _payload, _args, result) => {
        counted?.next(ctx, id, result);
        if (!result.errors?.length) return undefined;
        return pipeline.formatResult(result);
      },
      onError: (ctx, id, _payload, errors) => {
        counted?.error(ctx, id);
        return errors.map(shown);
      },
      onComplete: (ctx, id) => {
        counted?.complete(ctx, id);
      },
    },
    wss,
    opts.keepAliveMs ?? 12_000,
  );

  // Let the legacy `graphql-ws` subprotocol (subscriptions-transport-ws) finish the handshake so
  // graphql-ws closes it with 4406 "Subprotocol not acceptable"; refused in the handshake, the
  // client only sees 1006.
  wss.options.handleProtocols = (protocols: Set<string>) =>
    handleProtocols(protocols) || (protocols.has('graphql-ws') ? 'graphql-ws' : false);

  wss.on('error', (err) => opts.logger.warn({ err: err.message }, 'websocket server error'));

  return {
    async dispose() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
