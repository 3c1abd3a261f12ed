/**
 * One operation pipeline for every transport. A transport (Apollo over HTTP GET/POST and
 * batches, GraphQL over SSE in both graphql-sse modes, Apollo multipart subscriptions,
 * graphql-ws) only translates its framing; everything an operation goes through is here, once:
 * 1. `authenticate`: the credential (401 with `WWW-Authenticate: Bearer`, or 403), before any
 *    body is read or anything is buffered;
 * 2. `prepare`: the document (./document.ts, where persisted documents plug in), parse with the
 *    token limit, validation with the spec rules, GraphQL Armor's limits and the production
 *    policy (./rules.ts), the operation to run, and the request's own limits;
 * 3. `execute`: subscriptions through the one subscription hub (identical subscriptions share an
 *    execution, each subscriber has a bounded queue and a too-slow one is closed naming its
 *    `after`), anything else once; errors formatted and masked by `formatResult`;
 * 4. `live`: every operation that outlives its request ends at its credential's expiry, at
 *    `gongDisconnect` of its connection and at shutdown (./live.ts).
 * Apollo over HTTP runs the same steps through the rules, formatter and plugin it is given
 * (./apollo-plugin.ts). Internal to the gateway; not public API.
 */
import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  OperationTypeNode,
} from 'graphql';
import { ErrorCode, httpStatusOf } from '../../errors.js';
import type { SubscriberSocket } from '../../events/services.js';
import type { AuthRequest, ContextFactory, GatewayContext } from '../context.js';
import { findGatewayError, formatError } from '../format-error.js';
import { applyPolicy, type OperationPolicy } from '../operation-policy.js';
import { createSubscriptionHub, type SubscribeOutcome } from '../subscriptions/hub.js';
import { documentAsSent, type ResolveDocument } from './document.js';
import { createLiveOperations, type LiveOperations } from './live.js';
import {
  createOperationLabel,
  type OperationLabel,
} from '../../observability/graphql-metrics-plugin.js';
import type { Metrics } from '../../observability/metrics.js';
import {
  createWsOperationMetrics,
  type WsOperationMetrics,
} from '../../observability/ws-operation-metrics.js';
import type { Validation } from './rules.js';
import { estimateUpstreamRequests } from './upstream-estimate.js';
import { runInOperation } from '../../scheduler/operation-scope.js';

/** The `WWW-Authenticate` challenge every 401 carries (RFC 6750: credentials are Bearer tokens). */
export const WWW_AUTHENTICATE = 'Bearer realm="gong-gateway"';

/** A GraphQL-over-HTTP request's parameters (JSON body, GET query string, graphql-ws payload). */
export interface OperationParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

/** An operation refused before execution: the HTTP status a plain answer would carry, and its errors. */
export interface Refusal {
  ok: false;
  /** `auth`: the credential was refused (protocols keep the HTTP status); `operation`: the request was. */
  stage: 'auth' | 'operation';
  status: number;
  headers: Record<string, string>;
  errors: GraphQLFormattedError[];
  /** The GatewayError behind it, for an executor that formats errors itself (Apollo). */
  cause?: unknown;
}

export interface Prepared {
  ok: true;
  ctx: GatewayContext;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  operation: OperationTypeNode;
}

export type ExecuteOutcome = SubscribeOutcome;

export interface OperationPipeline {
  readonly schema: GraphQLSchema;
  readonly validation: Validation;
  readonly policy: OperationPolicy;
  readonly live: LiveOperations;
  /** The context of an authenticated request, or the refusal to answer at once. */
  authenticate: (
    request: AuthRequest & { requestId?: string },
  ) => Promise<GatewayContext | Refusal>;
  /** Resolves, parses and validates one operation; never executes it. */
  prepare(
    ctx: GatewayContext,
    params: OperationParams,
    how?: { method?: string | undefined },
  ): Promise<Prepared | Refusal>;
  /**
   * Runs a prepared operation; `socket` is how a too-slow subscriber is closed on its transport,
   * `signal` says when its client went away (its queued Gong requests are then dropped).
   */
  execute(
    prepared: Prepared,
    socket: SubscriberSocket,
    signal?: AbortSignal,
  ): Promise<ExecuteOutcome>;
  /** graphql-ws's `execute` and `subscribe` options: the same, for arguments it built. */
  executeArgs: (args: ExecutionArgs) => Promise<ExecuteOutcome>;
  subscribe: (args: ExecutionArgs) => Promise<ExecuteOutcome>;
  /**
   * Runs `fn` as the operation of `ctx`: its Gong requests take turns with other operations',
   * count against its ceiling (`ctx.requestBudget`) and are dropped once `ctx.signal` aborts.
   */
  scoped<T>(ctx: GatewayContext, fn: () => T): T;
  /** The estimate before execution, reserved on `ctx.requestBudget`; undefined when within the ceiling. */
  reserveUpstream(
    ctx: GatewayContext,
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
  ): Promise<Refusal | undefined>;
  /** An error as a client sees it: GatewayErrors as their codes, the rest masked, the policy applied. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** A result as a client sees it (or an already formatted one, unchanged but for the policy). */
  formatResult: (result: ExecutionResult | FormattedExecutionResult) => FormattedExecutionResult;
  /** Who made a request, for what a credential owns (SSE streams): connection, kind and subject. */
  credentialKey(ctx: GatewayContext, request: AuthRequest): string;
  /** Counts operations the way graphql-ws's are (per stream object and operation id), if metrics are on. */
  readonly counter: WsOperationMetrics | undefined;
  /** Where the document of a request is decided (persisted documents plug in there). */
  resolveDocument: ResolveDocument;
  /** Shutdown begins: HTTP streams end (SHUTTING_DOWN) and new operations are refused. */
  goingAway(): void;
  /** Ends every live operation, WebSockets included (1001). */
  close(): void;
}

export interface OperationPipelineOptions {
  schema: GraphQLSchema;
  context: ContextFactory;
  validation: Validation;
  policy: OperationPolicy;
  /** Where persisted or trusted documents plug in. @default the `query` as sent */
  resolveDocument?: ResolveDocument | undefined;
  /** The registry of operations that outlive their request. @default a new one */
  live?: LiveOperations;
  /** GRAPHQL_MAX_ENTITIES: representations one `_entities` may ask for. @default 1000 */
  maxEntities?: number | undefined;
  /** Counts operations of the transports Apollo does not run; without it nothing is counted. */
  metrics?: Metrics | undefined;
  /** Apollo's labeler, so every transport shares one bounded label set. */
  operationLabel?: OperationLabel | undefined;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export const refusal = (
  status: number,
  errors: GraphQLFormattedError[],
  stage: Refusal['stage'] = 'operation',
): Refusal => ({
  ok: false,
  stage,
  status,
  headers:
    status === 401 ? { ...JSON_HEADERS, 'www-authenticate': WWW_AUTHENTICATE } : JSON_HEADERS,
  errors,
});

const badRequest = (message: string, code = 'BAD_REQUEST') =>
  refusal(400, [{ message, extensions: { code } }]);

export const isRefusal = (v: unknown): v is Refusal =>
  typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;

export function createOperationPipeline(opts: OperationPipelineOptions): OperationPipeline {
  const hub = createSubscriptionHub();
  const live = opts.live ?? createLiveOperations();
  const counter = opts.metrics
    ? createWsOperationMetrics(opts.metrics, opts.operationLabel ?? createOperationLabel())
    : undefined;
  const resolveDocument = opts.resolveDocument ?? documentAsSent;
  const { policy, validation } = opts;
  const rules = validation.all;

  const shown = (formatted: GraphQLFormattedError, error: unknown) =>
    applyPolicy(formatError(formatted, error), policy);

  /** A failed authentication keeps its code and HTTP status; anything else is a masked 500. */
  const authRefusal = (err: unknown): Refusal => {
    const gw = findGatewayError(err);
    const status = gw ? httpStatusOf[gw.code] : 500;
    const e = new GraphQLError(gw?.message ?? 'Internal server error', {
      originalError: gw ?? (err instanceof Error ? err : undefined),
    });
    return refusal(status, [shown(e.toJSON(), e)], 'auth');
  };

  /** Subscriptions through the hub, anything else once; either inside the operation's scope. */
  function run(args: ExecutionArgs): Promise<ExecuteOutcome> {
    const ctx = args.contextValue as GatewayContext;
    const op = getOperationAST(args.document, args.operationName);
    return scoped(ctx, () =>
      op?.operation === OperationTypeNode.SUBSCRIPTION
        ? hub.subscribe(args)
        : Promise.resolve(execute(args)),
    );
  }

  function scoped<T>(ctx: GatewayContext, fn: () => T): T {
    return runInOperation({ owner: ctx, signal: ctx.signal, budget: ctx.requestBudget }, fn);
  }

  async function reserveUpstream(
    ctx: GatewayContext,
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
  ): Promise<Refusal | undefined> {
    const operation = getOperationAST(document, operationName);
    if (!operation) return undefined;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    try {
      const estimate = await estimateUpstreamRequests({
        schema: opts.schema,
        operation,
        fragments,
        variables,
        peek: ctx.loaders.peek,
        maxEntities: opts.maxEntities ?? 1_000,
        flowsRefreshMaxRequests: ctx.settings.flowsRefreshMaxRequests,
      });
      ctx.requestBudget.reserve(estimate);
      return undefined;
    } catch (err) {
      const gw = findGatewayError(err);
      if (!gw) throw err;
      const e = new GraphQLError(gw.message, { originalError: gw });
      return { ...refusal(httpStatusOf[gw.code], [shown(e.toJSON(), e)]), cause: gw };
    }
  }

  function prepareNow(
    ctx: GatewayContext,
    params: OperationParams,
    how: { method?: string | undefined } = {},
  ): Prepared | Refusal {
    if (live.closing())
      return refusal(503, [
        {
          message: 'This gateway instance is shutting down; send the operation again',
          extensions: { code: ErrorCode.SHUTTING_DOWN },
        },
      ]);
    const resolved = resolveDocument(params);
    if (!resolved.ok) return refusal(resolved.status, [resolved.error]);
    const query = resolved.query;
    if (query === undefined || query.trim() === '')
      return badRequest('The request has no GraphQL query (a `query` string is required)');
    if (
      params.variables != null &&
      (typeof params.variables !== 'object' || Array.isArray(params.variables))
    )
      return badRequest('`variables` must be a JSON object');
    if (params.operationName != null && typeof params.operationName !== 'string')
      return badRequest('`operationName` must be a string');
    let document: DocumentNode;
    try {
      document = parse(query, validation.parseOptions);
    } catch (err) {
      return badRequest(
        err instanceof GraphQLError ? err.message : 'The document could not be parsed',
        'GRAPHQL_PARSE_FAILED',
      );
    }
    const errors = validate(opts.schema, document, rules);
    if (errors.length > 0)
      // As Apollo answers them over HTTP: every validation error (limits included) is GRAPHQL_VALIDATION_FAILED.
      return refusal(
        400,
        errors.map((e) =>
          applyPolicy(
            {
              message: e.message,
              ...(e.locations ? { locations: e.locations } : {}),
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            },
            policy,
          ),
        ),
      );
    const operationName =
      typeof params.operationName === 'string' ? params.operationName : undefined;
    const op = getOperationAST(document, operationName);
    if (!op)
      return badRequest(
        operationName
          ? `Unknown operation named "${operationName}"`
          : 'The document must name the operation to run (operationName)',
        'OPERATION_RESOLUTION_FAILURE',
      );
    if (op.operation === OperationTypeNode.MUTATION && how.method === 'GET')
      return { ...badRequest('Mutations cannot be sent with GET; use POST'), status: 405 };
    return {
      ok: true,
      ctx,
      document,
      operationName,
      variables: (params.variables ?? undefined) as Record<string, unknown> | undefined,
      operation: op.operation,
    };
  }

  return {
    schema: opts.schema,
    validation,
    policy,
    live,
    counter,
    resolveDocument,

    async authenticate(request) {
      try {
        return await opts.context(request);
      } catch (err) {
        return authRefusal(err);
      }
    },

    async prepare(ctx, params, how) {
      const prepared = prepareNow(ctx, params, how);
      if (!prepared.ok) return prepared;
      const refused = await reserveUpstream(
        ctx,
        prepared.document,
        prepared.operationName,
        prepared.variables,
      );
      return refused ?? prepared;
    },

    reserveUpstream,
    scoped,

    execute(p, socket, signal) {
      const contextValue: GatewayContext = { ...p.ctx, subscriberSocket: socket, signal };
      return run({
        schema: opts.schema,
        document: p.document,
        operationName: p.operationName,
        variableValues: p.variables,
        contextValue,
      });
    },

    executeArgs: (args) => run(args),
    subscribe: (args) => run(args),

    formatError: shown,

    formatResult(result) {
      if (!result.errors?.length) return result;
      const errors: readonly (GraphQLError | GraphQLFormattedError)[] = result.errors;
      return {
        ...result,
        errors: errors.map((e) =>
          e instanceof GraphQLError ? shown(e.toJSON(), e) : applyPolicy(e, policy),
        ),
      };
    },

    credentialKey(ctx, request) {
      const p = ctx.principal;
      // A JWT without `sub` is known by its own digest; API keys carry a tag of theirs already.
      const subject =
        p.subject ??
        createHash('sha256')
          .update(String(request.headers.authorization ?? ''))
          .digest('base64url')
          .slice(0, 22);
      return `${ctx.connectionRef}\u0000${p.kind}\u0000${subject}`;
    },

    goingAway: () => live.endStreams(),
    close: () => live.endAll(),
  };
}
