/**
 * The composition root: the one place that wires config → connection registry → Gong clients →
 * schema → Apollo → HTTP routes. Tests start it on port 0 against an in-process sandbox; other
 * modules plug in through `deps` (authenticate, registry, services, routes, plugins) and attach to
 * `server` (graphql-ws) using the exported schema, context factory and validation rules.
 */
import type { Server } from 'node:http';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { authenticateRequest, authenticatorFromConfig, resolveAuthMode } from './auth/client-auth.js';
import { usesEmbeddedSandbox, type Config } from './config/config.js';
import { createConnectionsFeature } from './connections/feature.js';
import { createEventsFeature } from './events/feature.js';
import { createWritesFeature } from './writes/feature.js';
import type { ConnectionRegistry } from './connections/types.js';
import { createContextFactory, type Authenticate, type ContextFactory, type GatewayContext, type GatewayServices, type ReadSettings } from './context.js';
import { createGongClients, limitsFromConfig, type GongClients } from './gong/clients.js';
import { createApollo } from './graphql/apollo.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { createExplorer } from './http/explorer.js';
import { graphqlRoute } from './http/graphql-route.js';
import { createHttpOperations } from './http/http-operation.js';
import { createMultipartSubscriptions } from './http/multipart-subscriptions.js';
import { createSseSubscriptions } from './http/sse-subscriptions.js';
import { healthRoute } from './http/health-route.js';
import { metricsRoute } from './http/metrics-route.js';
import { gatewayReadinessChecks, readinessRoute } from './http/readiness-route.js';
import type { Route } from './http/router.js';
import { closeServer, createHttpServer, listen } from './http/server.js';
import { createLogger, type Logger } from './observability/logger.js';
import { redisFromConfig } from './store/redis.js';
import { createMemoryStore } from './store/memory.js';
import { SYNC_SERVICES_KEY, createSyncState } from './graphql/sync/sync-state.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createOperationLabel, graphqlMetricsPlugin } from './observability/graphql-metrics-plugin.js';
import type { Sandbox } from './sandbox/types.js';

export interface GatewayDeps {
  /** The embedded sandbox: connection `default` points at it with its access key. */
  sandbox?: Sandbox;
  logger?: Logger;
  metrics?: Metrics;
  /** Connections; default: the access-key connection from config (or the sandbox). */
  registry?: ConnectionRegistry;
  /** Client authentication; default: API keys / JWT from config, open only on the embedded sandbox. */
  authenticate?: Authenticate;
  /** Per-gateway services for other modules' resolvers (`ctx.services`). */
  services?: GatewayServices;
  /** More HTTP routes (webhooks, OAuth callback, proxy, media, readyz, metrics). */
  routes?: Route[];
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Clock for default date windows and sync scans (tests move time with the sandbox's). */
  now?: () => number;
  /** Largest GraphQL request body. @default 1 MiB */
  maxGraphQLBodyBytes?: number;
}

export interface Gateway {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  server: Server;
  schema: GraphQLSchema;
  apollo: ApolloServer<GatewayContext>;
  /** Builds the context of one operation (graphql-ws uses it too). */
  context: ContextFactory;
  /** Every validation rule to run (spec rules plus the query limits), for WebSocket execution. */
  validationRules: readonly ValidationRule[];
  clients: GongClients;
  logger: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

export function readSettings(config: Config, now: () => number = Date.now): ReadSettings {
  return {
    syncCallsOverlapMs: config.SYNC_CALLS_OVERLAP_MINUTES * 60_000,
    syncTranscriptsOverlapMs: config.SYNC_TRANSCRIPTS_OVERLAP_MINUTES * 60_000,
    syncStartDays: config.SYNC_START_DAYS,
    now,
  };
}

export async function createGateway(config: Config, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = deps.logger ?? createLogger({ level: config.LOG_LEVEL });
  const metrics = deps.metrics ?? createMetrics();
  // One Redis client for every feature's commands (the event log duplicates it for blocking reads).
  // Without it the budget, cache, connections and events stay in process: one instance only.
  const redis = redisFromConfig(config, { logger, name: 'gong-gateway' });
  // Connections, OAuth and the callback route, unless a test or embedder brings its own registry.
  const connections = deps.registry ? undefined : createConnectionsFeature(config, { logger, ...(redis ? { redis } : {}), ...(deps.sandbox ? { sandbox: deps.sandbox } : {}) });
  const registry = deps.registry ?? connections!.registry;
  const clients = createGongClients({
    registry,
    ...(redis ? { redis } : {}),
    keyPrefix: config.REDIS_KEY_PREFIX,
    limits: limitsFromConfig(config),
    metrics,
    logger,
    cacheTtlSeconds: config.CACHE_TTL_SECONDS,
    cacheStaleSeconds: config.CACHE_STALE_SECONDS,
    cacheTtlByKind: { flows: config.CACHE_FLOWS_TTL_SECONDS },
    ...(deps.now ? { cacheNow: deps.now } : {}),
  });
  // Calls learned outside a sync (webhooks, creates, transcripts) and each checkpoint's delivered ids.
  const syncState = createSyncState({
    store: connections?.store ?? createMemoryStore(deps.now ? { now: deps.now } : {}),
    now: deps.now ?? Date.now,
    retentionMs: config.SYNC_STATE_RETENTION_HOURS * 3_600_000,
  });
  const learn = async (c: { connectionRef: string; callId: string; started?: string | null | undefined }) => {
    const start = c.started ? Date.parse(c.started) : Number.NaN;
    await syncState.learn(c.connectionRef, c.callId, Number.isNaN(start) ? undefined : start);
  };
  // Webhooks → event log → graphql-ws subscriptions, and the transcript poller (issue 6).
  const events = createEventsFeature(config, {
    onCallLearned: learn,
    logger,
    ...(redis ? { redis } : {}),
    metrics,
    clients,
    connectionExists: async (ref) => (await registry.get(ref)) !== null,
    ...(connections ? { store: connections.store } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });

  const embeddedSandbox = deps.sandbox !== undefined && usesEmbeddedSandbox(config);
  const authenticate = deps.authenticate ?? authenticateRequest(authenticatorFromConfig(config, { embeddedSandbox, logger }));
  // Without client auth, anyone who reaches the port is admin: only this machine, unless HOST says otherwise.
  const openAuth = deps.authenticate === undefined && resolveAuthMode(config, { embeddedSandbox }) === 'open';
  const host = config.HOST ?? (openAuth ? '127.0.0.1' : '0.0.0.0');
  if (openAuth && config.HOST === undefined) logger.warn('Client auth is off, so the gateway listens on 127.0.0.1 only; set HOST (e.g. HOST=0.0.0.0) to expose it');
  // gongCreateCall (idempotent per clientUniqueId), media upload and the proxy (issue 7).
  const writes = createWritesFeature({ clients, authenticate, logger, onCallCreated: learn, ...(connections ? { store: connections.store } : {}) });
  const context = createContextFactory({
    gongClient: (ref) => clients.client(ref),
    authenticate,
    logger,
    metrics,
    cache: clients.cache,
    cacheTtlSeconds: clients.cacheTtlSeconds,
    settings: readSettings(config, deps.now),
    services: { ...connections?.services, ...events.services, ...writes.services, [SYNC_SERVICES_KEY]: syncState, ...deps.services },
  });

  const schema = buildGatewaySchema();
  // HTTP and WebSocket operations share one bounded set of operation labels.
  const operationLabel = createOperationLabel();
  const production = config.NODE_ENV === 'production';
  const apollo = createApollo({
    schema,
    logger,
    plugins: [graphqlMetricsPlugin<GatewayContext>(metrics, { label: operationLabel }), ...(deps.plugins ?? [])],
    limits: {
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxCost: config.GRAPHQL_MAX_COST,
      maxAliases: config.GRAPHQL_MAX_ALIASES,
      maxTokens: config.GRAPHQL_MAX_TOKENS,
      maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
      hideSuggestions: production,
      introspection: config.GRAPHQL_INTROSPECTION ?? !production,
    },
  });
  await apollo.server.start();

  // Subscriptions (and any operation) over SSE and Apollo multipart share one preparation and hub.
  const httpOperations = createHttpOperations({ schema, context, validationRules: apollo.allValidationRules, maxTokens: config.GRAPHQL_MAX_TOKENS, metrics, operationLabel });
  const explorer = createExplorer({ production });
  const routes: Route[] = [
    graphqlRoute({
      server: apollo.server,
      context,
      maxBodyBytes: deps.maxGraphQLBodyBytes,
      maxBatchSize: config.GRAPHQL_MAX_BATCH_SIZE,
      streams: { sse: createSseSubscriptions(httpOperations), multipart: createMultipartSubscriptions(httpOperations) },
      explorer: explorer.page,
    }),
    ...(explorer.route ? [explorer.route] : []),
    healthRoute(),
    // Readiness: each dependency this instance was built with (issue 10).
    readinessRoute(gatewayReadinessChecks({ ...(connections ? { store: connections.store } : {}), ...((redis ?? events.redis) ? { redis: redis ?? events.redis } : {}), eventLog: events.log })),
    metricsRoute(metrics.registry, config.METRICS_TOKEN),
    ...(connections?.routes ?? []),
    ...events.routes,
    ...writes.routes,
    ...(deps.routes ?? []),
  ];
  const server = createHttpServer(routes, logger, { corsOrigins: config.CORS_ORIGINS });
  const port = await listen(server, config.PORT, host);
  events.start({ server, schema, context, validationRules: apollo.allValidationRules, operationLabel, maxTokens: config.GRAPHQL_MAX_TOKENS });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    server,
    schema,
    apollo: apollo.server,
    context,
    validationRules: apollo.allValidationRules,
    clients,
    logger,
    metrics,
    close: () =>
      (closing ??= (async () => {
        await events.close();
        httpOperations.close();
        await closeServer(server);
        await apollo.server.stop();
        await clients.close();
        await connections?.close();
        await redis?.quit().catch(() => redis.disconnect());
      })()),
  };
}
