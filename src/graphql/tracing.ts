/**
 * GraphQL spans through Apollo's plugin hooks (graphql.parse, graphql.validate, graphql.execute)
 * and a span for each resolver whose work reaches Gong, parented by its operation's execute span.
 * Used only when tracing is on (src/observability/tracing.ts): the resolver wrappers are not
 * installed otherwise.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { context, trace, type Span } from '@opentelemetry/api';
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { Resolvers } from '../generated/resolvers-types.js';
import { markFailed, tracer, withPendingResolver } from '../observability/tracing.js';
import type { GatewayContext } from './context.js';

export interface GraphqlTracing {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** The resolver map with each field resolver run under a pending span. */
  traced(resolvers: Resolvers): Resolvers;
}

function ended(span: Span, error?: unknown): Promise<void> {
  if (error) markFailed(span, error);
  span.end();
  return Promise.resolve();
}

type FieldResolver = (this: unknown, ...args: unknown[]) => unknown;

export function createGraphqlTracing(): GraphqlTracing {
  // The execute span of each operation, found again by its context value in every resolver.
  const executing = new WeakMap<object, Span>();

  // Apollo's hooks return promises; these do no asynchronous work of their own.
  const plugin: ApolloServerPlugin<GatewayContext> = {
    requestDidStart: () =>
      Promise.resolve({
        parsingDidStart() {
          const span = tracer().startSpan('graphql.parse');
          return Promise.resolve((err?: Error) => ended(span, err));
        },
        validationDidStart() {
          const span = tracer().startSpan('graphql.validate');
          return Promise.resolve((errs?: readonly Error[]) => ended(span, errs?.[0]));
        },
        executionDidStart(rc) {
          const span = tracer().startSpan('graphql.execute', {
            attributes: {
              'graphql.operation.type': rc.operation.operation,
              'graphql.operation.name': rc.operationName ?? '',
            },
          });
          executing.set(rc.contextValue, span);
          return Promise.resolve({ executionDidEnd: (err?: Error) => ended(span, err) });
        },
      }),
  };

  const wrap = (typeName: string, field: string, resolve: FieldResolver): FieldResolver =>
    function (this: unknown, ...args: unknown[]) {
      // Field resolvers get (parent, args, context, info); __resolveReference (reference, context, info).
      const reference = field === '__resolveReference';
      const ctx = args[reference ? 1 : 2];
      const info = args[reference ? 2 : 3] as GraphQLResolveInfo | undefined;
      const exec = typeof ctx === 'object' && ctx !== null ? executing.get(ctx) : undefined;
      const parent = exec ? trace.setSpan(context.active(), exec) : context.active();
      return withPendingResolver(
        parent,
        `resolve ${typeName}.${field}`,
        () => ({
          'graphql.field.name': field,
          'graphql.field.type': typeName,
          ...(info ? { 'graphql.field.path': responsePathAsArray(info.path).join('.') } : {}),
        }),
        () => resolve.apply(this, args),
      );
    };

  return {
    plugin,
    traced(resolvers) {
      const out: Record<string, unknown> = {};
      for (const [typeName, fields] of Object.entries(resolvers as Record<string, unknown>)) {
        // Scalars are class instances; subscriptions are long-lived streams, not one read.
        if (typeName === 'Subscription' || Object.getPrototypeOf(fields) !== Object.prototype) {
          out[typeName] = fields;
          continue;
        }
        const wrapped: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(fields as Record<string, unknown>))
          wrapped[field] =
            typeof value === 'function' &&
            (!field.startsWith('__') || field === '__resolveReference')
              ? wrap(typeName, field, value as FieldResolver)
              : value;
        out[typeName] = wrapped;
      }
      return out as Resolvers;
    },
  };
}
