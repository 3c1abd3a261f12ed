/**
 * The one place that decides where shared state lives: Redis with REDIS_URL or REDIS_CLUSTER_NODES (every instance sees
 * it), else memory (one instance). Every feature takes its store, event log, transcript schedule
 * and interest, and cache from here, so no feature can fall back to memory on its own while others share Redis.
 */
import type { Config } from '../config/config.js';
import { createFullReadCache, type FullReadCache } from '../cache/full-read-cache.js';
import type { EventLog } from '../events/event-log.js';
import { createMemoryEventLog } from '../events/memory-event-log.js';
import { createRedisEventLog } from '../events/redis-event-log.js';
import {
  createMemoryTranscriptSchedule,
  createRedisTranscriptSchedule,
  type TranscriptSchedule,
} from '../events/transcript-schedule.js';
import {
  createMemoryTranscriptInterest,
  createRedisTranscriptInterest,
  type TranscriptInterest,
} from '../events/transcript-interest.js';
import { createEntityCache, type EntityCache } from '../cache/entity-cache.js';
import { createMemoryEntityStore, createRedisEntityStore } from '../cache/entity-store.js';
import { corruptEntryReporter, type ReportCorruptEntry } from '../observability/corrupt-entries.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import {
  createMemoryIndexStore,
  createRedisIndexStore,
  type IndexStore,
} from '../reconcile/index-store.js';
import { createMemoryStore } from '../store/memory.js';
import { createRedisStore, redisFromConfig, type Redis } from '../store/redis.js';
import type { KeyValueStore } from '../store/types.js';

export interface SharedState {
  /** The Redis client every feature's commands use (the event log duplicates it for blocking reads). */
  redis: Redis | undefined;
  /** Connections and tokens, OAuth states, webhook keys, dead letters, create records, sync state. */
  store: KeyValueStore;
  eventLog: EventLog;
  transcriptSchedule: TranscriptSchedule;
  /** Who waits for transcripts (subscribers, sync chains, the read model): what the poller may ask about. */
  transcriptInterest: TranscriptInterest;
  /** Full reads (workspaces, users, flows), keys per connection; stale-while-revalidate past the TTL. */
  cache: FullReadCache;
  /** Calls (per part), transcripts and users by id, keys per connection; absent with CACHE_MAX_BYTES=0. */
  entities: EntityCache | undefined;
  /** The change index of each connection's calls, its sweep schedule and lock (src/reconcile/). */
  changeIndex: IndexStore;
  /** Closes the event log and the Redis client. */
  close(): Promise<void>;
}

export interface SharedStateDeps {
  logger: Logger;
  metrics: Metrics;
  /** The clock of memory stores, the memory event log and the cache (tests move it with the sandbox's). */
  now?: () => number;
}

function entityCacheFromConfig(
  config: Config,
  deps: {
    redis: Redis | undefined;
    reportCorrupt: ReportCorruptEntry;
    logger: Logger;
    metrics: Metrics;
    now: () => number;
  },
): EntityCache | undefined {
  if (config.CACHE_MAX_BYTES === 0) return undefined;
  const store = deps.redis
    ? createRedisEntityStore({
        redis: deps.redis,
        keyPrefix: config.REDIS_KEY_PREFIX,
        logger: deps.logger,
        reportCorrupt: deps.reportCorrupt,
      })
    : createMemoryEntityStore({
        maxBytes: config.CACHE_MAX_BYTES,
        metrics: deps.metrics,
        now: deps.now,
      });
  return createEntityCache({
    store,
    ttls: {
      callSeconds: config.CACHE_CALLS_TTL_SECONDS,
      transcriptSeconds: config.CACHE_TRANSCRIPTS_TTL_SECONDS,
      userSeconds: config.CACHE_USERS_TTL_SECONDS,
    },
    metrics: deps.metrics,
    reportCorrupt: deps.reportCorrupt,
    now: deps.now,
  });
}

export function createSharedState(config: Config, deps: SharedStateDeps): SharedState {
  const now = deps.now ?? Date.now;
  const prefix = config.REDIS_KEY_PREFIX;
  const redis = redisFromConfig(config, { logger: deps.logger, name: 'gong-gateway' });
  const reportCorrupt = corruptEntryReporter(deps.logger, deps.metrics);
  const eventLog = redis
    ? createRedisEventLog({
        redis,
        prefix,
        maxEvents: config.EVENT_LOG_MAX_EVENTS,
        retentionMs: config.EVENT_RETENTION_HOURS * 3_600_000,
        logger: deps.logger,
        reportCorrupt,
      })
    : createMemoryEventLog({
        maxEvents: config.EVENT_LOG_MAX_EVENTS,
        retentionMs: config.EVENT_RETENTION_HOURS * 3_600_000,
        now,
      });
  return {
    redis,
    store: redis ? createRedisStore(redis, prefix) : createMemoryStore({ now }),
    eventLog,
    changeIndex: redis ? createRedisIndexStore(redis, prefix) : createMemoryIndexStore(now),
    transcriptSchedule: redis
      ? createRedisTranscriptSchedule(redis, prefix, reportCorrupt)
      : createMemoryTranscriptSchedule(),
    transcriptInterest: redis
      ? createRedisTranscriptInterest(redis, prefix, { now })
      : createMemoryTranscriptInterest({ now }),
    entities: entityCacheFromConfig(config, {
      redis,
      reportCorrupt,
      logger: deps.logger,
      metrics: deps.metrics,
      now,
    }),
    cache: createFullReadCache({
      redis,
      reportCorrupt,
      keyPrefix: prefix,
      metrics: deps.metrics,
      logger: deps.logger,
      now,
      staleSeconds: config.CACHE_STALE_SECONDS,
      ttlByKind: { flows: config.CACHE_FLOWS_TTL_SECONDS },
    }),
    async close() {
      await eventLog.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
