/**
 * The composition root: config → shared state (Redis or memory, decided once in
 * src/wiring/stores.ts) → connection registry → Gong clients → schema → Apollo → HTTP routes and
 * graphql-ws. Each concern's wiring is in src/wiring/; this file orders them. Tests start it on
 * port 0 against an in-process sandbox and may bring their own registry, authentication, routes
 * and plugins through `deps`.
 */
import type { TranscriptInterest } from './events/transcript-interest.js';
import type { Server } from 'node:http';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import {
  authenticateRequest,
  authenticatorFromConfig,
  resolveAuthMode,
} from './auth/client-auth.js';
import type { FullReadCache } from './cache/full-read-cache.js';
import { usesEmbeddedSandbox, type Config } from './config/config.js';
import type { ConnectionRegistry } from './connections/types.js';
import {
  createContextFactory,
  type AuthenticateRequest,
  type ContextFactory,
  type GatewayContext,
  type GatewayServices,
  type ReadSettings,
} from './graphql/context.js';
import {
  createGongClients,
  limitsFromConfig,
  type GongClients,
  type GongClientsDeps,
  type GongLimits,
} from './gong/clients.js';
import { createCallObserver } from './gong/call-observer.js';
import { createApollo } from './graphql/apollo.js';
import { pipelinePlugin } from './graphql/pipeline/apollo-plugin.js';
import { createLiveOperations } from './graphql/pipeline/live.js';
import { createOperationPipeline, type OperationPipeline } from './graphql/pipeline/operation.js';
import { createValidation } from './graphql/pipeline/rules.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { mergeResolvers } from './graphql/resolvers/index.js';
import { createGraphqlTracing } from './graphql/tracing.js';
import { loadTrustedDocuments, trustedDocumentStep } from './graphql/trusted-documents.js';
import { createSyncState } from './sync/sync-state.js';
import { createExplorer } from './http/explorer.js';
import { graphqlRoute } from './http/graphql-route.js';
import { healthRoute } from './http/health-route.js';
import { metricsRoute } from './http/metrics-route.js';
import { createMultipartSubscriptions } from './http/multipart-subscriptions.js';
import { gatewayReadinessChecks, readinessRoute } from './http/readiness-route.js';
import type { Route } from './http/router.js';
import { closeServer, createHttpServer, listen } from './http/server.js';
import { createSseSubscriptions } from './http/sse-subscriptions.js';
import { attachGraphQLWebSocket } from './http/websocket.js';
import {
  createOperationLabel,
  graphqlMetricsPlugin,
} from './observability/graphql-metrics-plugin.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { traceExport } from './observability/tracing.js';
import type { Sandbox } from './sandbox/types.js';
import { createConnectionsFeature } from './wiring/connections.js';
import { createEventsFeature, type OnCallLearned } from './wiring/events.js';
import { createReadModelFeature } from './wiring/read-model.js';
import type { ReadModel } from './read-model/read-model.js';
import { createReconcileFeature } from './wiring/reconcile.js';
import type { SweepReport } from './reconcile/reconciler.js';
import { createSharedState } from './wiring/stores.js';
import { createWritesFeature } from './wiring/writes.js';

export interface GatewayDeps {
  /** The embedded sandbox: connection `default` points at it with its access key. */
  sandbox?: Sandbox;
  logger?: Logger;
  metrics?: Metrics;
  /** Connections; default: the access-key connection from config (or the sandbox). */
  registry?: ConnectionRegistry;
  /** Client authentication; default: API keys / JWT from config, open only on the embedded sandbox. */
  authenticate?: AuthenticateRequest;
  /** Services that replace the built ones, e.g. connection admin for an injected registry. */
  services?: Partial<GatewayServices>;
  /** More HTTP routes (webhooks, OAuth callback, proxy, media, readyz, metrics). */
  routes?: Route[];
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Clock for default date windows and sync scans (tests move time with the sandbox's). */
  now?: () => number;
  /** Largest GraphQL request body. @default 1 MiB */
  maxGraphQLBodyBytes?: number;
  /**
   * Sweep connections in use on a timer (`npm start` does). Off, sweeps run only when
   * `gateway.changes.tick()` is called, as tests do after moving their clock. @default false
   */
  reconcileTimer?: boolean;
  /** Overrides of the Gong client's limits that have no variable (tests shorten the retry backoff). */
  gongLimits?: Partial<GongLimits>;
  /** Wraps each connection's rate limiter (tests hold its slots). */
  wrapLimiter?: GongClientsDeps['wrapLimiter'];
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
  /** Every validation rule to run (spec rules plus the query limits and the policy). */
  validationRules: readonly ValidationRule[];
  /** The one operation pipeline every transport goes through. */
  pipeline: OperationPipeline;
  /**
   * Shutdown begins: SSE and multipart streams end with a SHUTTING_DOWN error (else they would hold
   * the drain of in-flight HTTP) and new operations are refused; `close()` then closes WebSockets
   * with 1001.
   */
  goingAway(): void;
  clients: GongClients;
  /** The full-read cache (workspaces, users, flows). */
  cache: FullReadCache;
  /** The search read model (absent with READ_MODEL=off). */
  readModel?: ReadModel;
  /** Calls that change after processing (src/reconcile/). */
  changes: {
    /** Runs the reconciler's due sweeps now (for connections in use). */
    tick(): Promise<SweepReport[]>;
    /** Resolves once what reads and webhooks showed of the connection's calls is in its change index and published. */
    settled(connectionRef: string): Promise<void>;
  };
  /** Who waits for transcripts: an embedder (or the read model) registers here to have them polled. */
  transcriptInterest: TranscriptInterest;
  logger: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

export function readSettings(config: Config, now: () => number = Date.now): ReadSettings {
  return {
    syncCallsOverlapMs: config.SYNC_CALLS_OVERLAP_MINUTES * 60_000,
    syncTranscriptsOverlapMs: config.SYNC_TRANSCRIPTS_OVERLAP_MINUTES * 60_000,
    syncStartDays: config.SYNC_START_DAYS,
    flowsRefreshMaxRequests: config.FLOWS_REFRESH_MAX_REQUESTS,
    now,
  };
}

export async function createGateway(config: Config, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = deps.logger ?? createLogger({ level: config.LOG_LEVEL });
  const metrics = deps.metrics ?? createMetrics();
  const now = deps.now ?? Date.now;
  const production = config.NODE_ENV === 'production';
  // Read once, before anything opens: a bad manifest stops start-up with a ConfigError.
  const trusted =
    config.PERSISTED_DOCUMENTS_PATH === undefined
      ? undefined
      : loadTrustedDocuments(config.PERSISTED_DOCUMENTS_PATH);
  if (trusted)
    logger.info(
      { documents: trusted.size, only: config.PERSISTED_DOCUMENTS_ONLY },
      'trusted documents loaded from PERSISTED_DOCUMENTS_PATH',
    );
  // Every transport's document step: documentId and APQ hashes name trusted documents.
  const resolveDocument = trustedDocumentStep({
    documents: trusted,
    onlyTrusted: config.PERSISTED_DOCUMENTS_ONLY,
  });
  const shared = createSharedState(config, { logger, metrics, now: deps.now });
  const { store, redis } = shared;

  // Connections, OAuth and the callback route, unless a test or embedder brings its own registry.
  const connections = deps.registry
    ? undefined
    : createConnectionsFeature(config, { logger, store, sandbox: deps.sandbox });
  const registry: ConnectionRegistry = deps.registry ?? connections!.registry;
  // Every call and transcript record received from Gong, for consumers that keep their own view.
  const observer = createCallObserver();
  const clients = createGongClients({
    registry,
    redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    limits: { ...limitsFromConfig(config), ...deps.gongLimits },
    wrapLimiter: deps.wrapLimiter,
    metrics,
    logger,
    observer,
  });

  // Calls learned outside a sync (webhooks, creates, transcripts) and each checkpoint's delivered ids.
  const sync = createSyncState({
    store,
    now,
    retentionMs: config.SYNC_STATE_RETENTION_HOURS * 3_600_000,
  });
  const learn: OnCallLearned = async (c) => {
    const start = c.started ? Date.parse(c.started) : Number.NaN;
    await sync.learn(c.connectionRef, c.callId, Number.isNaN(start) ? undefined : start);
  };
  const events = createEventsFeature(config, {
    logger,
    metrics,
    clients,
    store,
    log: shared.eventLog,
    schedule: shared.transcriptSchedule,
    interest: shared.transcriptInterest,
    connectionExists: async (ref) => (await registry.get(ref)) !== null,
    onCallLearned: learn,
    entities: shared.entities,
    observer,
    now,
  });

  // Search: a local read model fed by the observer and the event log (docs/search.md).
  const readModel = await createReadModelFeature(config, {
    clients,
    registry,
    observer,
    events: shared.eventLog,
    interest: shared.transcriptInterest,
    metrics,
    logger,
    now,
  });

  // Calls that change after processing: the change index every call record feeds, the reconciler's sweeps.
  const reconcile = createReconcileFeature(config, {
    store: shared.changeIndex,
    observer,
    clients,
    log: shared.eventLog,
    entities: shared.entities,
    now,
    logger,
    metrics,
    onCreated: (connectionRef, callId, started) => learn({ connectionRef, callId, started }),
  });

  const embeddedSandbox = deps.sandbox !== undefined && usesEmbeddedSandbox(config);
  const authenticate =
    deps.authenticate ??
    authenticateRequest(authenticatorFromConfig(config, { embeddedSandbox, logger }));
  // Without client auth, anyone who reaches the port is admin: only this machine, unless HOST says otherwise.
  const openAuth =
    deps.authenticate === undefined && resolveAuthMode(config, { embeddedSandbox }) === 'open';
  const host = config.HOST ?? (openAuth ? '127.0.0.1' : '0.0.0.0');
  if (openAuth && config.HOST === undefined)
    logger.warn(
      'Client auth is off, so the gateway listens on 127.0.0.1 only; set HOST (e.g. HOST=0.0.0.0) to expose it',
    );
  const bodyDeadlines = { idleMs: config.HTTP_BODY_IDLE_MS, totalMs: config.HTTP_BODY_DEADLINE_MS };
  const writes = createWritesFeature({
    clients,
    authenticate,
    store,
    logger,
    onCallCreated: learn,
    bodyDeadlines,
  });

  const caches: GatewayServices['caches'] = {
    async evict(ref, callIds) {
      await shared.entities?.evict(ref, callIds);
      if (!callIds) await shared.cache.invalidate(ref);
    },
  };
  // What outlives a request (subscriptions, sockets, streams), so expiry, disconnect and shutdown reach it.
  const live = createLiveOperations(deps.now);
  const services: GatewayServices = {
    connections: connections?.services,
    events: events.services,
    writes: writes.services,
    sync,
    caches,
    ...(readModel ? { search: readModel } : {}),
    live,
    calls: reconcile.services,
    ...deps.services,
  };
  const operationContext = createContextFactory({
    gongClient: (ref) => clients.client(ref),
    authenticate,
    logger,
    metrics,
    cache: shared.cache,
    cacheTtlSeconds: config.CACHE_TTL_SECONDS,
    entities: shared.entities,
    settings: readSettings(config, deps.now),
    services,
    maxRequestsPerOperation: config.GONG_MAX_REQUESTS_PER_OPERATION,
  });
  // Every operation keeps its connection in use, so the reconciler sweeps it (RECONCILE_IDLE_HOURS).
  const context: ContextFactory = async (request) => {
    const ctx = await operationContext(request);
    reconcile.activity.read(ctx.connectionRef);
    return ctx;
  };

  // With tracing on (src/observability/tracing.ts), GraphQL phases and Gong-reaching resolvers get spans.
  const graphqlTracing = traceExport(config) ? createGraphqlTracing() : undefined;
  const schema = buildGatewaySchema(
    graphqlTracing ? graphqlTracing.traced(mergeResolvers()) : undefined,
  );
  // HTTP and WebSocket operations share one bounded set of operation labels.
  const operationLabel = createOperationLabel();
  const introspection = config.GRAPHQL_INTROSPECTION ?? !production;
  const policy = { introspection, hideSuggestions: production };
  const validation = createValidation({
    maxDepth: config.GRAPHQL_MAX_DEPTH,
    maxCost: config.GRAPHQL_MAX_COST,
    maxAliases: config.GRAPHQL_MAX_ALIASES,
    maxTokens: config.GRAPHQL_MAX_TOKENS,
    maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
    ...policy,
  });
  const pipeline = createOperationPipeline({
    schema,
    context,
    validation,
    policy,
    live,
    metrics,
    operationLabel,
    maxEntities: config.GRAPHQL_MAX_ENTITIES,
    resolveDocument,
  });
  const apollo = createApollo({
    schema,
    logger,
    validationRules: validation.extra,
    parseOptions: validation.parseOptions,
    policy,
    formatError: (formatted, error) => pipeline.formatError(formatted, error),
    plugins: [
      pipelinePlugin(pipeline),
      graphqlMetricsPlugin<GatewayContext>(metrics, { label: operationLabel }),
      ...(graphqlTracing ? [graphqlTracing.plugin] : []),
      ...(deps.plugins ?? []),
    ],
  });
  await apollo.start();
  const validationRules = validation.all;
  // Subscriptions (and any operation) over SSE and Apollo multipart, through the same pipeline.
  const sse = createSseSubscriptions(pipeline, {
    reservationTtlMs: config.SSE_RESERVATION_TTL_MS,
    maxPerCredential: config.SSE_MAX_STREAMS_PER_CREDENTIAL,
    maxOperations: 100,
    heartbeatMs: 12_000,
    drainGraceMs: 5_000,
  });
  const multipart = createMultipartSubscriptions(pipeline);
  const explorer = createExplorer({ production });
  const routes: Route[] = [
    graphqlRoute({
      server: apollo,
      authenticate: (request) => pipeline.authenticate(request),
      resolveDocument: pipeline.resolveDocument,
      maxBodyBytes: deps.maxGraphQLBodyBytes,
      bodyDeadlines,
      maxBatchSize: config.GRAPHQL_MAX_BATCH_SIZE,
      maxTokens: config.GRAPHQL_MAX_TOKENS,
      streams: { sse, multipart, context: (c) => c },
      scoped: (ctx, signal, fn) => pipeline.scoped({ ...ctx, signal }, fn),
      explorer: (res) => explorer.page(res),
    }),
    ...(explorer.route ? [explorer.route] : []),
    healthRoute(),
    // Readiness: each dependency this instance was built with.
    readinessRoute(gatewayReadinessChecks({ store, redis, eventLog: shared.eventLog, readModel }), {
      details: () => ({ reconciler: reconcile.reconciler.readiness() }),
    }),
    metricsRoute(metrics.registry, config.METRICS_TOKEN),
    ...(connections?.routes ?? []),
    ...events.routes,
    ...writes.routes,
    ...(deps.routes ?? []),
  ];
  const server = createHttpServer(routes, logger, { corsOrigins: config.CORS_ORIGINS });
  const port = await listen(server, config.PORT, host);
  const ws = attachGraphQLWebSocket({
    server,
    pipeline,
    operationLabel,
    logger,
    metrics,
    maxMessageBytes: config.WS_MAX_MESSAGE_BYTES,
    maxUnauthenticated: config.WS_MAX_UNAUTHENTICATED_SOCKETS,
    maxUnauthenticatedPerPeer: config.WS_MAX_UNAUTHENTICATED_PER_PEER,
    trustProxy: config.TRUST_PROXY,
    connectionInitWaitTimeoutMs: config.WS_CONNECTION_INIT_TIMEOUT_MS,
    allowedOrigins: config.CORS_ORIGINS,
  });
  events.poller.start();
  if (deps.reconcileTimer) reconcile.reconciler.start();
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    server,
    schema,
    apollo,
    context,
    validationRules,
    pipeline,
    goingAway: () => pipeline.goingAway(),
    clients,
    cache: shared.cache,
    ...(readModel ? { readModel } : {}),
    changes: {
      tick: () => reconcile.reconciler.tick(),
      settled: (ref) => reconcile.feeder.drain(ref),
    },
    transcriptInterest: shared.transcriptInterest,
    logger,
    metrics,
    close: () =>
      (closing ??= (async () => {
        // Streams and sockets hear why they end (SHUTTING_DOWN, close 1001) before the server closes.
        pipeline.goingAway();
        pipeline.close();
        await ws.dispose();
        await events.poller.close();
        await reconcile.close();
        await closeServer(server);
        await apollo.stop();
        await readModel?.close();
        await clients.close();
        await shared.close();
      })()),
  };
}
