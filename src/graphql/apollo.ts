/**
 * Apollo Server 5 over the gateway schema, with GraphQL Armor's limits from configuration.
 * `validationRules` is exported with the server so WebSocket execution applies the same ones.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  OperationTypeNode,
  specifiedRules,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { GatewayContext } from './context.js';
import type { Logger } from '../observability/logger.js';
import { formatError, unexpectedErrorLogger } from './format-error.js';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Hide "Did you mean …" suggestions (production). */
  hideSuggestions: boolean;
  introspection: boolean;
}

export interface GatewayApollo {
  server: ApolloServer<GatewayContext>;
  /** Armor's rules (the spec rules are added by graphql-js / Apollo themselves). */
  validationRules: ValidationRule[];
  /** specifiedRules plus ours: what a WebSocket `validate` should run. */
  allValidationRules: readonly ValidationRule[];
}

/**
 * Federation inline tracing (`ftv1`), for a router that asks with `apollo-federation-include-trace`.
 * Apollo installs the same plugin on any subgraph schema, but its `requestDidStart` builds a trace
 * tree before it reads that header, on every request (0.6% of a one-upstream query's CPU in
 * bench/profile/). Here the header is read first. The spread keeps the plugin's internal id, so
 * Apollo sees inline tracing as installed and does not add its own.
 */
function inlineTraceWhenAsked(): ApolloServerPlugin<GatewayContext> {
  const inner = ApolloServerPluginInlineTrace({
    __onlyIfSchemaIsSubgraph: true,
  }) as ApolloServerPlugin<GatewayContext>;
  return {
    ...inner,
    async requestDidStart(rc) {
      if (rc.request.http?.headers.get('apollo-federation-include-trace') !== 'ftv1')
        return undefined;
      return inner.requestDidStart?.(rc);
    },
  };
}

/** The 4xx for a subscription sent over plain HTTP: it names the transports that do stream. */
export const SUBSCRIPTION_TRANSPORTS_MESSAGE =
  'Subscriptions need a streaming transport on this URL: GraphQL over WebSocket (subprotocol graphql-transport-ws), ' +
  'GraphQL over Server-Sent Events (Accept: text/event-stream, the graphql-sse protocol), or ' +
  'Apollo multipart HTTP subscriptions (Accept: multipart/mixed;subscriptionSpec="1.0")';

/** A subscription reaching Apollo came over plain HTTP: a 400 naming the streaming transports. */
function subscriptionsNeedAStream(): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation }) =>
          operation?.operation === OperationTypeNode.SUBSCRIPTION
            ? Promise.reject(
                new GraphQLError(SUBSCRIPTION_TRANSPORTS_MESSAGE, {
                  extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
                }),
              )
            : Promise.resolve(),
      }),
  };
}

export function createApollo(opts: {
  schema: GraphQLSchema;
  limits: QueryLimits;
  logger: Logger;
  plugins?: ApolloServerPlugin<GatewayContext>[];
}): GatewayApollo {
  const { limits } = opts;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    // Armor's token plugin re-parses in `parsingDidStart`, where any syntax error becomes an HTTP
    // 500; graphql-js counts tokens itself (`parseOptions.maxTokens`): a 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    blockFieldSuggestion: { enabled: limits.hideSuggestions },
  });
  const protection = armor.protect();
  const server = new ApolloServer<GatewayContext>({
    schema: opts.schema,
    logger: opts.logger,
    introspection: limits.introspection,
    hideSchemaDetailsFromClientErrors: limits.hideSuggestions,
    includeStacktraceInErrorResponses: false,
    // Apollo's BatchHttpLink sends a JSON array; the HTTP route caps its length (GRAPHQL_MAX_BATCH_SIZE)
    // and each operation passes the same validation rules.
    allowBatchedHttpRequests: true,
    // Signals belong to src/lifecycle/shutdown.ts; Apollo's own handler would stop early and re-raise SIGTERM.
    stopOnTerminationSignals: false,
    // Credentials travel only in the Authorization header, which a cross-site simple request cannot
    // carry, and GET mutations stay refused (405): see docs/security.md.
    csrfPrevention: false,
    parseOptions: { maxTokens: limits.maxTokens },
    formatError,
    validationRules: protection.validationRules,
    plugins: [
      ...(protection.plugins as ApolloServerPlugin<GatewayContext>[]),
      unexpectedErrorLogger(opts.logger),
      inlineTraceWhenAsked(),
      // The HTTP route serves its own page to browsers (src/http/explorer.ts): no CDN landing page.
      ApolloServerPluginLandingPageDisabled(),
      subscriptionsNeedAStream(),
      ...(opts.plugins ?? []),
    ],
  });
  return {
    server,
    validationRules: protection.validationRules,
    allValidationRules: [...specifiedRules, ...protection.validationRules],
  };
}
