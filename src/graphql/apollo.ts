/**
 * Apollo Server 5 over the gateway schema, with GraphQL Armor's limits from configuration.
 * `validationRules` is exported with the server so WebSocket execution applies the same ones.
 */
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { specifiedRules, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { GatewayContext } from '../context.js';
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
  const inner = ApolloServerPluginInlineTrace({ __onlyIfSchemaIsSubgraph: true }) as ApolloServerPlugin<GatewayContext>;
  return {
    ...inner,
    async requestDidStart(rc) {
      if (rc.request.http?.headers.get('apollo-federation-include-trace') !== 'ftv1') return undefined;
      return inner.requestDidStart?.(rc);
    },
  };
}

export function createApollo(opts: { schema: GraphQLSchema; limits: QueryLimits; logger: Logger; plugins?: ApolloServerPlugin<GatewayContext>[] }): GatewayApollo {
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
    allowBatchedHttpRequests: false,
    // Signals belong to src/lifecycle/shutdown.ts; Apollo's own handler would stop early and re-raise SIGTERM.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: limits.maxTokens },
    formatError,
    validationRules: protection.validationRules,
    plugins: [
      ...(protection.plugins as ApolloServerPlugin<GatewayContext>[]),
      unexpectedErrorLogger(opts.logger),
      inlineTraceWhenAsked(),
      ...(limits.introspection ? [] : [ApolloServerPluginLandingPageDisabled()]),
      ...(opts.plugins ?? []),
    ],
  });
  return { server, validationRules: protection.validationRules, allValidationRules: [...specifiedRules, ...protection.validationRules] };
}
