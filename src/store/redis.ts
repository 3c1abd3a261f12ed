/**
 * The one place the shared Redis client is made (REDIS_URL: one server; REDIS_CLUSTER_NODES: a
 * Redis Cluster), and the Redis KeyValueStore on it. Keys are prefixed by hand rather than with
 * ioredis' `keyPrefix`, because that option does not apply to SCAN patterns. Every multi-key
 * script, transaction or stream read keeps its keys in one cluster slot with a hash tag.
 */
import { Cluster, Redis as SingleRedis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { KeyValueStore } from './types.js';

/** One Redis server or a Redis Cluster: the commands the gateway sends behave the same on both. */
export type Redis = SingleRedis | Cluster;

export interface RedisClientOptions {
  /** Errors and reconnects are logged here instead of ioredis' "unhandled error event". */
  logger?: Logger;
  /** Longest pause between reconnect attempts. @default 2000 */
  maxReconnectDelayMs?: number;
  /** Connection name shown by CLIENT LIST. */
  name?: string;
}

/**
 * An ioredis client that rides out a Redis restart: commands queue in the offline queue
 * (`maxRetriesPerRequest: null`) and replay once the reconnect (capped backoff) succeeds,
 * instead of failing after a few retries.
 */
export function createRedisClient(url: string, opts: RedisClientOptions = {}): SingleRedis {
  const maxDelay = opts.maxReconnectDelayMs ?? 2000;
  const redis = new SingleRedis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
    // A failover or READONLY replica: reconnect rather than keep sending writes to it.
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
    ...(opts.name !== undefined ? { connectionName: opts.name } : {}),
  });
  redis.on('error', (err: Error) =>
    opts.logger?.warn({ err: err.message }, 'redis connection error'),
  );
  redis.on('reconnecting', () => opts.logger?.info('redis reconnecting'));
  return redis;
}

/**
 * A Redis Cluster client from seed nodes (`host:port`), with the same ride-out-a-restart policy
 * per node as `createRedisClient`. ioredis follows MOVED/ASK redirections and slot changes.
 */
export function createRedisClusterClient(
  nodes: readonly string[],
  opts: RedisClientOptions = {},
): Cluster {
  const maxDelay = opts.maxReconnectDelayMs ?? 2000;
  const cluster = new Cluster(
    nodes.map((n) => {
      const i = n.lastIndexOf(':');
      return { host: n.slice(0, i), port: Number(n.slice(i + 1)) };
    }),
    {
      enableOfflineQueue: true,
      clusterRetryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
      redisOptions: {
        maxRetriesPerRequest: null,
        reconnectOnError: (err) => err.message.startsWith('READONLY'),
        ...(opts.name !== undefined ? { connectionName: opts.name } : {}),
      },
    },
  );
  cluster.on('error', (err: Error) =>
    opts.logger?.warn({ err: err.message }, 'redis cluster error'),
  );
  cluster.on('reconnecting', () => opts.logger?.info('redis cluster reconnecting'));
  return cluster;
}

/** The shared client the configuration asks for (a cluster, one server, or none: memory). */
export function redisFromConfig(
  config: { REDIS_URL?: string | undefined; REDIS_CLUSTER_NODES?: readonly string[] | undefined },
  opts: RedisClientOptions = {},
): Redis | undefined {
  if (config.REDIS_CLUSTER_NODES !== undefined)
    return createRedisClusterClient(config.REDIS_CLUSTER_NODES, opts);
  return config.REDIS_URL !== undefined ? createRedisClient(config.REDIS_URL, opts) : undefined;
}

/** Escapes glob metacharacters so a prefix matches literally in SCAN MATCH. */
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

export function createRedisStore(redis: Redis, keyPrefix: string): KeyValueStore {
  const k = (key: string) => keyPrefix + key;
  return {
    async get(key) {
      return redis.get(k(key));
    },
    async set(key, value, opts = {}) {
      const full = k(key);
      let reply: string | null;
      if (opts.ttlMs !== undefined && opts.onlyIfAbsent)
        reply = await redis.set(full, value, 'PX', Math.max(1, Math.ceil(opts.ttlMs)), 'NX');
      else if (opts.ttlMs !== undefined)
        reply = await redis.set(full, value, 'PX', Math.max(1, Math.ceil(opts.ttlMs)));
      else if (opts.onlyIfAbsent) reply = await redis.set(full, value, 'NX');
      else reply = await redis.set(full, value);
      return reply === 'OK';
    },
    async take(key) {
      // GETDEL (Redis >= 6.2) is atomic: two instances racing for one OAuth state cannot both win.
      return redis.getdel(k(key));
    },
    async del(key) {
      await redis.del(k(key));
    },
    async keys(prefix) {
      const out: string[] = [];
      // SCAN walks one server: on a cluster, every master holds its own share of the keys.
      const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
      for (const server of servers) {
        let cursor = '0';
        do {
          const [next, batch] = await server.scan(
            cursor,
            'MATCH',
            `${globEscape(k(prefix))}*`,
            'COUNT',
            500,
          );
          cursor = next;
          for (const full of batch) out.push(full.slice(keyPrefix.length));
        } while (cursor !== '0');
      }
      return [...new Set(out)];
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      // The client is shared with other features (events, budget); its owner quits it.
    },
  };
}
