/**
 * The operation pipeline's steps that Apollo Server, the executor of GraphQL over plain HTTP,
 * runs through its plugin hooks (its validation rules and error formatter come from the pipeline
 * too: app.ts hands them over): a subscription is refused naming the streaming transports; the
 * operations of a batch share the cost and alias limits and the Gong request ceiling (their
 * context is one); the ceiling's estimate is reserved before execution; a rate-limited answer
 * carries `Retry-After` (seconds, as `extensions.retryAfter`).
 * Internal to the operation pipeline.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import { ErrorCode } from '../../errors.js';
import type { GatewayContext } from '../context.js';
import type { OperationPipeline } from './operation.js';

/** The 4xx for a subscription sent over plain HTTP: it names the transports that do stream. */
export const SUBSCRIPTION_TRANSPORTS_MESSAGE =
  'Subscriptions need a streaming transport on this URL: GraphQL over WebSocket (subprotocol graphql-transport-ws), ' +
  'GraphQL over Server-Sent Events (Accept: text/event-stream, the graphql-sse protocol), or ' +
  'Apollo multipart HTTP subscriptions (Accept: multipart/mixed;subscriptionSpec="1.0")';

/** Codes whose `extensions.retryAfter` (seconds) also goes out as the `Retry-After` header. */
const RETRY_CODES: ReadonlySet<string> = new Set([
  ErrorCode.UPSTREAM_RATE_LIMITED,
  ErrorCode.UPSTREAM_UNAVAILABLE,
]);

/** The longest `retryAfter` among an answer's errors of the retry codes, in seconds. */
export function retryAfterOf(
  errors: readonly { extensions?: Record<string, unknown> | undefined }[] | undefined,
): number | undefined {
  let most: number | undefined;
  for (const e of errors ?? []) {
    const code = e.extensions?.code;
    const after = e.extensions?.retryAfter;
    if (typeof code === 'string' && RETRY_CODES.has(code) && typeof after === 'number')
      most = Math.max(most ?? 0, after);
  }
  return most;
}

export function pipelinePlugin(
  pipeline: Pick<OperationPipeline, 'reserveUpstream' | 'validation'>,
): ApolloServerPlugin<GatewayContext> {
  // Per HTTP request, what its operations used so far. Apollo gives each operation of a batch a
  // shallow copy of the request's context: its request budget is the one object they share.
  const used = new WeakMap<object, { cost: number; aliases: number }>();
  return {
    requestDidStart: () =>
      Promise.resolve({
        async didResolveOperation({ operation, document, contextValue, request }) {
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION)
            throw new GraphQLError(SUBSCRIPTION_TRANSPORTS_MESSAGE, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          // A batch counts as one request for the cost and alias limits.
          const mine = pipeline.validation.usage(document);
          const sum = used.get(contextValue.requestBudget) ?? { cost: 0, aliases: 0 };
          sum.cost += mine.cost;
          sum.aliases += mine.aliases;
          used.set(contextValue.requestBudget, sum);
          const { maxCost, maxAliases } = pipeline.validation.limits;
          if (sum.cost > maxCost || sum.aliases > maxAliases)
            throw new GraphQLError(
              sum.cost > maxCost
                ? `The operations of this request cost ${sum.cost} together, more than ${maxCost} (GRAPHQL_MAX_COST): a batch counts as one request`
                : `The operations of this request use ${sum.aliases} aliases together, more than ${maxAliases} (GRAPHQL_MAX_ALIASES): a batch counts as one request`,
              { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } },
            );
          const refused = await pipeline.reserveUpstream(
            contextValue,
            document,
            request.operationName ?? undefined,
            request.variables,
          );
          if (refused)
            throw new GraphQLError(refused.errors[0]?.message ?? 'Refused', {
              originalError: refused.cause instanceof Error ? refused.cause : undefined,
              extensions: { http: { status: refused.status } },
            });
        },
        willSendResponse({ response }) {
          const body = response.body;
          const errors =
            body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          const after = retryAfterOf(errors);
          if (after !== undefined) response.http.headers.set('retry-after', String(after));
          return Promise.resolve();
        },
      }),
  };
}
