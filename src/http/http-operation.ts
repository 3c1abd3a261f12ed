/**
 * What the two streaming HTTP transports (GraphQL over SSE and Apollo's multipart subscriptions)
 * share with HTTP and WebSocket execution: the same client authentication (401 with
 * `WWW-Authenticate: Bearer`), parser token limit, validation rules (the query limits) and error
 * formatting, one subscription hub so identical subscriptions share one execution per event, and
 * the same operation counter (`gong_gateway_graphql_operations_total`, once per operation, when
 * it ends). Internal to the HTTP edge; not public API.
 */
import {
  GraphQLError,
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  OperationTypeNode,
  type ValidationRule,
} from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { ContextFactory, GatewayContext } from '../graphql/context.js';
import { ErrorCode, httpStatusOf } from '../errors.js';
import { createSubscriptionHub } from '../graphql/subscriptions/hub.js';
import {
  createOperationLabel,
  type OperationLabel,
} from '../observability/graphql-metrics-plugin.js';
import type { Metrics } from '../observability/metrics.js';
import { createWsOperationMetrics } from '../observability/ws-operation-metrics.js';
import { findGatewayError, formatError } from '../graphql/format-error.js';
import { closableStream, type ClosableStream } from './http-stream.js';

/** The `WWW-Authenticate` challenge every 401 carries (RFC 6750: credentials are Bearer tokens). */
export const WWW_AUTHENTICATE = 'Bearer realm="gong-gateway"';

/** A GraphQL-over-HTTP request's parameters, from a JSON body or a GET query string. */
export interface OperationParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** An answer given before any execution: status, headers and a JSON body. */
export interface EarlyAnswer {
  status: number;
  headers: Record<string, string>;
  body: { errors: ReturnType<typeof formatError>[] };
}

export type Prepared =
  | {
      ok: true;
      args: ExecutionArgs & { contextValue: GatewayContext };
      operation: OperationTypeNode;
    }
  | { ok: false; answer: EarlyAnswer };

export interface HttpOperations {
  /** Authenticates, parses and validates one operation of `stream`; never executes it. */
  prepare(
    req: IncomingMessage,
    requestId: string,
    params: OperationParams,
    stream: ClosableStream,
  ): Promise<Prepared>;
  /** Runs a prepared operation: subscriptions through the shared hub, anything else once. */
  run(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;
  /** An operation's result with its errors formatted as on every other transport (and counted). */
  format(
    result: ExecutionResult,
    stream: ClosableStream,
  ): ExecutionResult | { data?: unknown; errors: ReturnType<typeof formatError>[] };
  /** Just the authentication step, for requests that carry no operation (an SSE stream reservation). */
  authenticate(req: IncomingMessage, requestId: string): Promise<EarlyAnswer | undefined>;
  /** A stream for one streamed operation, ended by `close()` (shutdown) if still open then. */
  openStream(): ClosableStream;
  /** Ends every open stream, so a draining server does not wait on them (clients resume with `after`). */
  close(): void;
}

export interface HttpOperationsOptions {
  schema: GraphQLSchema;
  context: ContextFactory;
  validationRules: readonly ValidationRule[];
  maxTokens?: number | undefined;
  /** Counts operations; without it nothing is counted. */
  metrics?: Metrics | undefined;
  /** The HTTP plugin's labeler, so every transport shares one bounded label set. */
  operationLabel?: OperationLabel | undefined;
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

function answer(status: number, errors: readonly GraphQLError[]): EarlyAnswer {
  return {
    status,
    headers:
      status === 401 ? { ...jsonHeaders, 'www-authenticate': WWW_AUTHENTICATE } : jsonHeaders,
    body: { errors: errors.map((e) => formatError(e.toJSON(), e)) },
  };
}

const badRequest = (message: string, code = 'BAD_REQUEST') =>
  answer(400, [new GraphQLError(message, { extensions: { code } })]);

/** A context failure (authentication) keeps its code and HTTP status; anything else is a masked 500. */
function contextFailure(err: unknown): EarlyAnswer {
  const gw = findGatewayError(err);
  const status = gw ? httpStatusOf[gw.code] : 500;
  return answer(status, [
    new GraphQLError(gw?.message ?? 'Internal server error', {
      originalError: gw ?? (err instanceof Error ? err : undefined),
    }),
  ]);
}

export function createHttpOperations(opts: HttpOperationsOptions): HttpOperations {
  const rules = [...new Set(opts.validationRules)];
  const hub = createSubscriptionHub();
  const open = new Set<ClosableStream>();
  // Each HTTP stream carries one operation: the stream is the "socket", its operation id is fixed.
  const counted = opts.metrics
    ? createWsOperationMetrics(opts.metrics, opts.operationLabel ?? createOperationLabel())
    : undefined;
  const OP = 'http';

  async function buildContext(
    req: IncomingMessage,
    requestId: string,
  ): Promise<GatewayContext | EarlyAnswer> {
    try {
      return await opts.context({ headers: req.headers, requestId });
    } catch (err) {
      return contextFailure(err);
    }
  }
  const isAnswer = (v: GatewayContext | EarlyAnswer): v is EarlyAnswer =>
    'status' in v && 'body' in v;

  return {
    async authenticate(req, requestId) {
      const ctx = await buildContext(req, requestId);
      return isAnswer(ctx) ? ctx : undefined;
    },

    async prepare(req, requestId, params, stream) {
      const prepared = await prepareOne(req, requestId, params, stream);
      if (!prepared.ok) counted?.error(stream, OP);
      else counted?.started(stream, OP, prepared.args.document, prepared.args.operationName);
      return prepared;
    },

    openStream() {
      const stream = closableStream(() => {
        open.delete(stream);
        counted?.complete(stream, OP);
      });
      open.add(stream);
      counted?.subscribed(stream, OP);
      return stream;
    },

    close() {
      for (const s of open) s.stop();
      open.clear();
    },

    run: (args) =>
      getOperationAST(args.document, args.operationName)?.operation ===
      OperationTypeNode.SUBSCRIPTION
        ? hub.subscribe(args)
        : Promise.resolve(execute(args)),

    format(result, stream) {
      counted?.next(stream, OP, result);
      if (!result.errors?.length) return result;
      // Already formatted errors (a result handed on twice) stay as they are.
      return {
        ...result,
        errors: result.errors.map((e) =>
          e instanceof GraphQLError ? formatError(e.toJSON(), e) : e,
        ),
      };
    },
  };

  async function prepareOne(
    req: IncomingMessage,
    requestId: string,
    params: OperationParams,
    stream: ClosableStream,
  ): Promise<Prepared> {
    // Authenticate before looking at the document, as the other transports do.
    const base = await buildContext(req, requestId);
    if (isAnswer(base)) return { ok: false, answer: base };
    if (typeof params.query !== 'string' || params.query.trim() === '')
      return {
        ok: false,
        answer: badRequest('The request has no GraphQL query (a `query` string is required)'),
      };
    if (
      params.variables != null &&
      (typeof params.variables !== 'object' || Array.isArray(params.variables))
    )
      return { ok: false, answer: badRequest('`variables` must be a JSON object') };
    if (params.operationName != null && typeof params.operationName !== 'string')
      return { ok: false, answer: badRequest('`operationName` must be a string') };
    let document: DocumentNode;
    try {
      document = parse(
        params.query,
        opts.maxTokens === undefined ? undefined : { maxTokens: opts.maxTokens },
      );
    } catch (err) {
      return {
        ok: false,
        answer: badRequest(
          err instanceof GraphQLError ? err.message : 'The document could not be parsed',
          'GRAPHQL_PARSE_FAILED',
        ),
      };
    }
    const errors = validate(opts.schema, document, rules);
    if (errors.length > 0) {
      // As Apollo answers them on plain HTTP: every validation error (limits included) is GRAPHQL_VALIDATION_FAILED.
      const coded = errors.map(
        (e) =>
          new GraphQLError(e.message, {
            nodes: e.nodes,
            extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
      );
      return { ok: false, answer: answer(400, coded) };
    }
    const operationName =
      typeof params.operationName === 'string' ? params.operationName : undefined;
    const op = getOperationAST(document, operationName);
    if (!op)
      return {
        ok: false,
        answer: badRequest(
          operationName
            ? `Unknown operation named "${operationName}"`
            : 'The document must name the operation to run (operationName)',
          'OPERATION_RESOLUTION_FAILURE',
        ),
      };
    if (op.operation === OperationTypeNode.MUTATION && req.method === 'GET')
      return {
        ok: false,
        answer: { ...badRequest('Mutations cannot be sent with GET; use POST'), status: 405 },
      };
    const contextValue: GatewayContext = { ...base, subscriberSocket: stream.socket };
    return {
      ok: true,
      operation: op.operation,
      args: {
        schema: opts.schema,
        document,
        operationName,
        variableValues: (params.variables ?? undefined) as Record<string, unknown> | undefined,
        contextValue,
      },
    };
  }
}

/** For the 401 of the plain GraphQL route: `ErrorCode.UNAUTHENTICATED` always challenges. */
export const challengeFor = (code: string): Record<string, string> =>
  code === ErrorCode.UNAUTHENTICATED ? { 'www-authenticate': WWW_AUTHENTICATE } : {};
