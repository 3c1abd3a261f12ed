/**
 * The operation pipeline's steps that Apollo Server, the executor of GraphQL over plain HTTP,
 * runs through its plugin hooks (its validation rules and error formatter come from the pipeline
 * too: app.ts hands them over): a subscription is refused naming the streaming transports, and
 * a rate-limited answer carries `Retry-After` (seconds, as `extensions.retryAfter`).
 * Internal to the operation pipeline.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import { ErrorCode } from '../../errors.js';
import type { GatewayContext } from '../context.js';

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

export function pipelinePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation({ operation }) {
          if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return Promise.resolve();
          throw new GraphQLError(SUBSCRIPTION_TRANSPORTS_MESSAGE, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
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
