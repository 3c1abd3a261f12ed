/**
 * GraphQL over WebSocket (graphql-ws, subprotocol `graphql-transport-ws`) on the HTTP server's
 * port and `/graphql` path. Authentication happens in `connection_init` (`authorization` param,
 * the same API keys and JWTs as HTTP): missing or invalid closes with 4401, forbidden with 4403.
 * Operations run the same validation rules as HTTP (spec rules plus the query limits) and their
 * errors go through the same formatError. Each operation's context carries a handle on its socket
 * (`services.subscriberSocket`) so a too-slow subscriber can be closed with 4413. Operations are
 * counted in `gong_gateway_graphql_operations_total` like HTTP ones, once each, when they end.
 */
import type { Server } from 'node:http';
import { handleProtocols } from 'graphql-ws';
import { WsCloseCode } from '../close-codes.js';
import { useServer } from 'graphql-ws/use/ws';
import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { WebSocketServer } from 'ws';
import type { ContextFactory, GatewayContext } from '../graphql/context.js';
import { ErrorCode } from '../errors.js';
import { findGatewayError, formatError } from '../graphql/format-error.js';
import {
  createOperationLabel,
  type OperationLabel,
} from '../observability/graphql-metrics-plugin.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createWsOperationMetrics } from '../observability/ws-operation-metrics.js';
import type { SubscriberSocket } from '../events/services.js';
import { createSubscriptionHub } from '../graphql/subscriptions/hub.js';
import { applyPolicy, policyRules, type OperationPolicy } from '../graphql/operation-policy.js';
import { guardWebSocketServer, verifyOrigin } from './websocket-guard.js';

export interface GraphQLWebSocketOptions {
  server: Server;
  schema: GraphQLSchema;
  context: ContextFactory;
  /** Every rule HTTP runs (gateway.validationRules). */
  validationRules: readonly ValidationRule[];
  /** The parser's token limit, as on HTTP (GRAPHQL_MAX_TOKENS): a huge document fails before validation. */
  maxTokens?: number | undefined;
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
  /** CORS_ORIGINS: browsers from other origins cannot upgrade. @default [] (not checked) */
  allowedOrigins?: readonly string[];
  /** The policy HTTP applies too (introspection, suggestions). @default both allowed */
  policy?: OperationPolicy;
}

export interface GraphQLWebSocket {
  /** Closes every socket (1001) and the WebSocket server. */
  dispose(): Promise<void>;
}

/** Close reasons must fit one frame (< 124 bytes). */
const reason = (s: string) => (Buffer.byteLength(s) > 120 ? `${s.slice(0, 117)}...` : s);

/** The close code for a failed authentication: 4403 when forbidden, 4401 otherwise. */
function authCloseCode(err: unknown): number {
  return findGatewayError(err)?.code === ErrorCode.FORBIDDEN
    ? WsCloseCode.Forbidden
    : WsCloseCode.Unauthorized;
}

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
    initTimeoutMs,
  });
  const policy = opts.policy ?? { introspection: true, hideSuggestions: false };
  const shown = (e: GraphQLError) => applyPolicy(formatError(e.toJSON(), e), policy);
  const rules = [...new Set([...opts.validationRules, ...policyRules(policy)])];
  const counted = opts.metrics
    ? createWsOperationMetrics(opts.metrics, opts.operationLabel ?? createOperationLabel())
    : undefined;

  const disposable = useServer(
    {
      schema: opts.schema,
      connectionInitWaitTimeout: initTimeoutMs,
      // Identical subscriptions share one execution per event instead of one per subscriber.
      subscribe: createSubscriptionHub().subscribe,
      onConnect: async (ctx) => {
        try {
          // Authenticate once here so a bad credential closes the socket before any operation.
          const c = await opts.context({
            headers: ctx.extra.request.headers,
            connectionParams: ctx.connectionParams ?? {},
          });
          // The socket lives as long as its credential: a JWT's exp closes it with 4401.
          guard.authenticated(ctx.extra.socket, c.principal.expiresAt);
          return true;
        } catch (err) {
          const gw = findGatewayError(err);
          ctx.extra.socket.close(authCloseCode(err), reason(gw?.message ?? 'Unauthorized'));
          return false;
        }
      },
      // Parse and validate here, not inside graphql-ws: there a parse failure (a syntax error, a
      // document over the token limit) is an internal error that closes the whole socket with
      // 4500; here it fails only its operation, with the codes HTTP gives.
      onSubscribe: (ctx, id, payload) => {
        counted?.subscribed(ctx, id);
        let document: DocumentNode;
        try {
          document = parse(
            payload.query,
            opts.maxTokens === undefined ? undefined : { maxTokens: opts.maxTokens },
          );
        } catch (err) {
          const message =
            err instanceof GraphQLError ? err.message : 'The document could not be parsed';
          return [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(opts.schema, document, rules);
        if (errors.length > 0)
          return errors.map(
            (e) =>
              new GraphQLError(applyPolicy(e, policy).message, {
                nodes: e.nodes,
                extensions: {
                  ...e.extensions,
                  code: e.extensions['code'] ?? 'GRAPHQL_VALIDATION_FAILED',
                },
              }),
          );
        return {
          schema: opts.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
      // Called once the document parsed and validated, right before execution.
      context: async (ctx, id, _payload, args): Promise<GatewayContext> => {
        let base: GatewayContext;
        try {
          base = await opts.context({
            headers: ctx.extra.request.headers,
            connectionParams: ctx.connectionParams ?? {},
          });
        } catch (err) {
          // The credential expired or was revoked since connection_init.
          counted?.error(ctx, id);
          ctx.extra.socket.close(
            authCloseCode(err),
            reason(findGatewayError(err)?.message ?? 'Unauthorized'),
          );
          throw err;
        }
        counted?.started(ctx, id, args.document, args.operationName);
        const subscriberSocket: SubscriberSocket = {
          close: (code, why) => ctx.extra.socket.close(code, reason(why)),
        };
        return { ...base, subscriberSocket };
      },
      onNext: (ctx, id, _payload, _args, result) => {
        counted?.next(ctx, id, result);
        if (!result.errors?.length) return undefined;
        return { ...result, errors: result.errors.map(shown) };
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
