/**
 * Apollo Server 5 over the gateway schema: the executor of GraphQL over plain HTTP (GET, POST and
 * batches). It validates, formats errors and runs plugins with what the operation pipeline
 * (src/graphql/pipeline/) gives it, so the limits and the production policy are those of every
 * other transport.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import type { GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import type { GatewayContext } from './context.js';
import type { Logger } from '../observability/logger.js';
import type { OperationPolicy } from './operation-policy.js';
import { unexpectedErrorLogger } from './format-error.js';
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

export function createApollo(opts: {
  schema: GraphQLSchema;
  logger: Logger;
  /** The pipeline's rules beyond the spec's (query limits, introspection policy). */
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  policy: OperationPolicy;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  plugins?: ApolloServerPlugin<GatewayContext>[];
}): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema: opts.schema,
    logger: opts.logger,
    // The policy's rules refuse introspection when it is off (src/graphql/operation-policy.ts).
    introspection: true,
    hideSchemaDetailsFromClientErrors: opts.policy.hideSuggestions,
    includeStacktraceInErrorResponses: false,
    // Apollo's BatchHttpLink sends a JSON array; the HTTP route caps its length (GRAPHQL_MAX_BATCH_SIZE)
    // and each operation passes the same validation rules.
    allowBatchedHttpRequests: true,
    // Signals belong to src/lifecycle/shutdown.ts; Apollo's own handler would stop early and re-raise SIGTERM.
    stopOnTerminationSignals: false,
    // Credentials travel only in the Authorization header, which a cross-site simple request cannot
    // carry, and GET mutations stay refused (405): see docs/security.md.
    csrfPrevention: false,
    parseOptions: opts.parseOptions,
    formatError: opts.formatError,
    validationRules: opts.validationRules,
    plugins: [
      unexpectedErrorLogger(opts.logger),
      inlineTraceWhenAsked(),
      // The HTTP route serves its own page to browsers (src/http/explorer.ts): no CDN landing page.
      ApolloServerPluginLandingPageDisabled(),
      ...(opts.plugins ?? []),
    ],
  });
}
