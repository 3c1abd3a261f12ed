/**
 * Per-request DataLoaders (never shared between requests: they memoize what one principal may
 * see). Each maps one Gong batch endpoint:
 * - users by id      → POST /v2/users/extensive {filter:{userIds, includeAvatars: true}}
 * - calls by id      → POST /v2/calls/extensive {filter:{callIds}, contentSelector}
 * - one basic call   → GET /v2/calls/{id} (scope api:calls:read:basic; one request per id)
 * - transcripts      → POST /v2/calls/transcript {filter:{callIds}}
 * - workspaces       → GET /v2/workspaces, once per request (through the full-read cache)
 */
import DataLoader from 'dataloader';
import type { GongClient } from '../gong/types.js';
import { z } from 'zod';
import { Workspace, type CallBasicData, type CallData, type CallTranscript, type ContentSelector, type UserMetadata } from '../gong/wire.js';
import type { FullReadCache } from '../cache/full-read-cache.js';
import type { Metrics } from '../observability/metrics.js';
import { loaderById } from './batch.js';
import { createStatsLoaders, type StatsLoaders } from './stats.js';

export type { FullReadCache };

export interface LoaderOptions {
  client: GongClient;
  metrics?: Metrics;
  cache?: FullReadCache;
  cacheTtlSeconds: number;
}

export interface Loaders {
  users: DataLoader<string, UserMetadata | null>;
  transcripts: DataLoader<string, CallTranscript | null>;
  /** The calls-by-id loader for a contentSelector (one per distinct selector; an operation has one). */
  calls(selector: ContentSelector | undefined): DataLoader<string, CallData | null>;
  /** One call's CallBasicData by id (GET /v2/calls/{id}), memoized per request. */
  basicCall: DataLoader<string, CallBasicData | null>;
  /** Every workspace, fetched at most once per request. */
  workspaces(): Promise<Workspace[]>;
  /** Stats, scorecards, trackers, library and call outcomes (./stats.ts). */
  stats: StatsLoaders;
  /** A full read shared through the cache (flows fan-out, ...); `schema` checks what comes back from Redis. */
  cached<T>(key: string, load: () => Promise<T>, schema?: z.ZodType<T>): Promise<T>;
}

export function createLoaders(opts: LoaderOptions): Loaders {
  const { client, metrics } = opts;
  const cached = <T>(key: string, load: () => Promise<T>, schema?: z.ZodType<T>): Promise<T> =>
    opts.cache && opts.cacheTtlSeconds > 0 ? opts.cache.getOrLoad(client.connectionRef, key, opts.cacheTtlSeconds, load, key.split(':')[0], schema) : load();

  const users = loaderById('users', metrics, (ids) => client.usersByIds(ids), (u) => u.id);
  const transcripts = loaderById('transcripts', metrics, (ids) => client.transcriptsByIds(ids), (t) => t.callId);

  const callLoaders = new Map<string, DataLoader<string, CallData | null>>();
  const calls = (selector: ContentSelector | undefined) => {
    const key = JSON.stringify(selector ?? {});
    let loader = callLoaders.get(key);
    if (!loader) {
      loader = loaderById('calls', metrics, (ids) => client.callsByIds(ids, selector), (c) => c.metaData.id);
      callLoaders.set(key, loader);
    }
    return loader;
  };

  // Gong has no batch form of GET /v2/calls/{id}: each key is its own request (errors stay per key).
  const basicCall = new DataLoader<string, CallBasicData | null>((ids) => Promise.all(ids.map((id) => client.getCall(id).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))))), {
    name: 'basicCall',
  });

  let workspaceList: Promise<Workspace[]> | undefined;
  const workspaces = () => (workspaceList ??= cached('workspaces', () => client.listWorkspaces(), z.array(Workspace)));

  return { users, transcripts, calls, basicCall, workspaces, cached, stats: createStatsLoaders(client, metrics, cached) };
}
