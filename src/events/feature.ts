/**
 * Wires issue 6 for the composition root: the event log (memory, or Redis Streams with
 * REDIS_URL), webhook keys and dead letters (in the store), the webhook route, the transcript
 * poller and, once the server listens, graphql-ws on `/graphql`.
 */
import type { Server } from 'node:http';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { Config } from '../config/config.js';
import type { ContextFactory } from '../context.js';
import type { GongClients } from '../gong/clients.js';
import { createWebhookRoute, webhookRoute } from '../http/webhook-route.js';
import { attachGraphQLWebSocket, type GraphQLWebSocket } from '../http/websocket.js';
import type { Route } from '../http/router.js';
import { createLoaders } from '../loaders/index.js';
import type { Logger } from '../observability/logger.js';
import type { OperationLabel } from '../observability/graphql-metrics-plugin.js';
import type { Metrics } from '../observability/metrics.js';
import { createMemoryStore } from '../store/memory.js';
import { createRedisStore, redisFromConfig, type Redis } from '../store/redis.js';
import type { KeyValueStore } from '../store/types.js';
import { createDeadLetters, type DeadLetters } from './dead-letters.js';
import type { EventLog } from './event-log.js';
import { createMemoryEventLog } from './memory-event-log.js';
import { createRedisEventLog } from './redis-event-log.js';
import type { EventServices } from './services.js';
import { createMemoryTranscriptSchedule, createRedisTranscriptSchedule } from './transcript-schedule.js';
import { createTranscriptPoller, type TranscriptPoller } from './transcript-poller.js';
import { createWebhookKeys, type WebhookKeys } from './webhook-keys.js';

export interface EventsFeatureDeps {
  logger: Logger;
  metrics: Metrics;
  clients: GongClients;
  /** Whether the connection registry knows a ref. */
  connectionExists(ref: string): Promise<boolean>;
  /** Shared store; default: Redis with REDIS_URL, else memory. */
  store?: KeyValueStore;
  /** Shared Redis client; one is created (and closed) from REDIS_URL otherwise. */
  redis?: Redis;
  now?: () => number;
  /** Transcript poller timer. @default 1_000 */
  transcriptTickMs?: number;
  /** A call became known outside a sync (a call.created webhook, a ready transcript): the sync reads it by id. */
  onCallLearned?: (input: { connectionRef: string; callId: string; started?: string | null | undefined }) => Promise<void>;
}

export interface EventsFeature {
  log: EventLog;
  keys: WebhookKeys;
  deadLetters: DeadLetters;
  poller: TranscriptPoller;
  /** The Redis client of the event log (REDIS_URL), for `/readyz`. */
  redis?: Redis;
  /** Merge into the gateway's `services` bag. */
  services: { events: EventServices };
  routes: Route[];
  /** Attaches graphql-ws to the listening server and starts the poller. */
  start(server: { server: Server; schema: GraphQLSchema; context: ContextFactory; validationRules: readonly ValidationRule[]; operationLabel?: OperationLabel; maxTokens?: number }): void;
  /** Closes sockets, the poller, the log, and the Redis clients it created. */
  close(): Promise<void>;
}

export function createEventsFeature(config: Config, deps: EventsFeatureDeps): EventsFeature {
  const now = deps.now ?? Date.now;
  const own: Redis[] = [];
  const redis = deps.redis ?? redisFromConfig(config, { logger: deps.logger, name: 'gong-gateway-events' });
  if (redis && !deps.redis) own.push(redis);
  const store = deps.store ?? (redis ? createRedisStore(redis, config.REDIS_KEY_PREFIX) : createMemoryStore({ now }));

  const log = redis
    ? createRedisEventLog({ redis, prefix: config.REDIS_KEY_PREFIX, maxEvents: config.EVENT_LOG_MAX_EVENTS, logger: deps.logger })
    : createMemoryEventLog({ maxEvents: config.EVENT_LOG_MAX_EVENTS, now });
  const keys = createWebhookKeys({ store, defaultKey: config.GONG_WEBHOOK_PUBLIC_KEY });
  const deadLetters = createDeadLetters({ store });
  const poller = createTranscriptPoller({
    schedule: redis ? createRedisTranscriptSchedule(redis, config.REDIS_KEY_PREFIX) : createMemoryTranscriptSchedule(),
    log,
    client: (ref) => deps.clients.client(ref),
    initialDelayMs: config.TRANSCRIPT_POLL_INITIAL_SECONDS * 1000,
    maxDelayMs: config.TRANSCRIPT_POLL_MAX_SECONDS * 1000,
    giveUpMs: config.TRANSCRIPT_POLL_GIVE_UP_HOURS * 3_600_000,
    // Never coarser than the first delay, so short test delays are honoured.
    tickMs: deps.transcriptTickMs ?? Math.min(1_000, Math.max(10, (config.TRANSCRIPT_POLL_INITIAL_SECONDS * 1000) / 2)),
    logger: deps.logger,
    now,
    ...(deps.onCallLearned ? { onReady: deps.onCallLearned } : {}),
  });
  const handler = createWebhookRoute({
    publicUrl: config.publicUrl,
    maxBytes: config.WEBHOOK_MAX_BYTES,
    bodyIdleMs: config.WEBHOOK_BODY_IDLE_MS,
    bodyDeadlineMs: config.WEBHOOK_BODY_DEADLINE_MS,
    maxConcurrent: config.WEBHOOK_MAX_CONCURRENT,
    keys,
    connectionExists: deps.connectionExists,
    log,
    deadLetters,
    onCallCreated: async (c) => {
      await deps.onCallLearned?.(c);
      await poller.schedule(c);
    },
    metrics: deps.metrics,
    logger: deps.logger,
    now,
  });
  const services: EventServices = {
    log,
    keys,
    deadLetters,
    maxPending: config.WS_MAX_PENDING_EVENTS,
    freshLoaders: (ctx) => createLoaders({ client: ctx.gong, metrics: deps.metrics, cache: deps.clients.cache, cacheTtlSeconds: deps.clients.cacheTtlSeconds }),
    metrics: deps.metrics,
    now,
  };

  let ws: GraphQLWebSocket | undefined;
  return {
    log,
    keys,
    deadLetters,
    poller,
    services: { events: services },
    routes: [webhookRoute(handler)],
    ...(redis ? { redis } : {}),
    start(s) {
      const production = config.NODE_ENV === 'production';
      ws ??= attachGraphQLWebSocket({
        ...s,
        logger: deps.logger,
        metrics: deps.metrics,
        maxMessageBytes: config.WS_MAX_MESSAGE_BYTES,
        maxUnauthenticated: config.WS_MAX_UNAUTHENTICATED_SOCKETS,
        allowedOrigins: config.CORS_ORIGINS,
        // The same policy as HTTP (src/app.ts gives Apollo the same two settings).
        policy: { introspection: config.GRAPHQL_INTROSPECTION ?? !production, hideSuggestions: production },
      });
      poller.start();
    },
    async close() {
      await ws?.dispose();
      await poller.close();
      await log.close();
      for (const r of own) await r.quit().catch(() => undefined);
    },
  };
}
