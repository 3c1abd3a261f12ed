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
import type { GongClient, Page } from '../gong/types.js';
import { collectPages } from '../gong/reads/pages.js';
import { z } from 'zod';
import {
  SCOPES,
  UserMetadata,
  Workspace,
  type CallBasicData,
  type CallData,
  type CallTranscript,
  type ContentSelector,
} from '../gong/wire.js';
import { PAGE_SIZE } from '../gong/wire/common.js';
import type { FullReadCache, FullReadPeek } from '../cache/full-read-cache.js';
import type { EntityCache } from '../cache/entity-cache.js';
import type { Metrics } from '../observability/metrics.js';
import { loaderById } from './batch.js';
import { byKeys } from '../util/by-keys.js';
import { createStatsLoaders, type StatsLoaders } from './stats.js';
import { STATS_SCOPES } from '../gong/wire-stats.js';
import {
  createStandingLoader,
  type CallStandings,
  type StandingLoader,
} from '../privacy/call-privacy.js';

export type { FullReadCache };

export interface LoaderOptions {
  client: GongClient;
  metrics?: Metrics;
  cache?: FullReadCache;
  cacheTtlSeconds: number;
  /** Calls, transcripts and users shared across operations and instances; absent: every batch goes to Gong. */
  entities?: EntityCache;
  /** Cache-Control: no-cache: read from Gong and refresh the caches. */
  fresh?: boolean;
  /** The newest knowledge of calls (privacy, deletion) the privacy rule checks records against. */
  standings?: CallStandings | undefined;
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
  /** Calls' standing now (deleted, private), for the privacy rule: one index read per batch. */
  standings: StandingLoader;
  /**
   * One page of GET /v2/users. With full reads cached, a slice of the cached full list (every
   * page fetched once per TTL, and each user kept by id too); else Gong's own page.
   */
  usersPage(cursor: string | undefined): Promise<Page<UserMetadata>>;
  /** Stats, scorecards, trackers, library and call outcomes (./stats.ts). */
  stats: StatsLoaders;
  /** A full read shared through the cache (flows fan-out, ...); `schema` checks what comes back from Redis. */
  cached<T>(key: string, load: (previous?: T) => Promise<T>, schema?: z.ZodType<T>): Promise<T>;
  /** Calls Gong answered for `selector` on a list or sync page: later by-id loads of them (here and in other operations) are free. */
  rememberCalls(calls: readonly CallData[], selector: ContentSelector | undefined): void;
  rememberTranscripts(transcripts: readonly CallTranscript[]): void;
  rememberUsers(users: readonly UserMetadata[]): void;
  /** What reads would cost now, without reading: for estimates made before an operation runs. */
  peek: {
    /** The ids a by-id read of `kind` would ask Gong for (cached ones cost nothing). */
    uncached(kind: 'call' | 'user' | 'transcript', ids: readonly string[]): Promise<string[]>;
    /** Whether a full read is cached (with its value) or in flight (both free), else missing. */
    fullRead(key: string): Promise<FullReadPeek>;
  };
}

/**
 * The Gong scopes each full read needs, by the first part of its cache key: a cached answer is
 * served only to a connection whose current grant would let it read the same from Gong.
 */
const FULL_READ_SCOPES: Record<string, readonly string[]> = {
  users: [SCOPES.usersRead],
  workspaces: [SCOPES.workspacesRead],
  // The fan-out lists every user, then each one's flows.
  flows: [SCOPES.usersRead, SCOPES.flowsRead],
  scorecards: [STATS_SCOPES.settingsScorecards],
  'answered-scorecards': [STATS_SCOPES.statsScorecards],
  trackers: [STATS_SCOPES.settingsTrackers],
  'library-folders': [STATS_SCOPES.libraryRead],
  'call-outcomes': [],
};

/** Cursors of slices of a cached full list (Gong's own cursors never start so). */
const SLICE = 'gg-slice:';

export function createLoaders(opts: LoaderOptions): Loaders {
  const { client, metrics } = opts;
  const cached = async <T>(
    key: string,
    load: (previous?: T) => Promise<T>,
    schema?: z.ZodType<T>,
  ): Promise<T> => {
    if (!opts.cache || opts.cacheTtlSeconds <= 0) return load();
    const kind = key.split(':')[0] ?? key;
    // An unknown kind needs the connection to be usable at least.
    await client.assertGranted(FULL_READ_SCOPES[kind] ?? [], `the cached ${kind} read`);
    return opts.cache.getOrLoad(
      client.connectionRef,
      key,
      opts.cacheTtlSeconds,
      load,
      kind,
      schema,
      opts.fresh === true,
    );
  };
  /** A read through the entity cache needs what the same read from Gong would. */
  const granted = (scope: string, what: string) => client.assertGranted([scope], what);

  const ref = client.connectionRef;
  // Feeding the shared cache never fails or delays the read that fed it (a store failure is logged by the store).
  const feed = (write: Promise<void> | undefined) => void write?.catch(() => undefined);
  const { entities } = opts;
  const read = { fresh: opts.fresh === true };
  const users = loaderById('users', metrics, async (ids) => {
    if (!entities) return client.usersByIds(ids).then((f) => byKeys(ids, f, (u) => u.id));
    await granted(SCOPES.usersRead, 'reading users');
    return entities.users(ref, ids, (m) => client.usersByIds(m), read);
  });
  const transcripts = loaderById('transcripts', metrics, async (ids) => {
    if (!entities) return client.transcriptsByIds(ids).then((f) => byKeys(ids, f, (t) => t.callId));
    await granted(SCOPES.transcripts, 'reading transcripts');
    return entities.transcripts(ref, ids, (m) => client.transcriptsByIds(m), read);
  });

  const callLoaders = new Map<string, DataLoader<string, CallData | null>>();
  const calls = (selector: ContentSelector | undefined) => {
    const key = JSON.stringify(selector ?? {});
    let loader = callLoaders.get(key);
    if (!loader) {
      loader = loaderById('calls', metrics, async (ids) => {
        if (!entities)
          return client.callsByIds(ids, selector).then((f) => byKeys(ids, f, (c) => c.metaData.id));
        await granted(SCOPES.callsExtensive, 'reading calls');
        return entities.calls(
          ref,
          ids,
          selector,
          (m, lacking) => client.callsByIds(m, lacking),
          read,
        );
      });
      callLoaders.set(key, loader);
    }
    return loader;
  };

  // Gong has no batch form of GET /v2/calls/{id}: each missing key is its own request, and errors stay per key.
  const basicCall = new DataLoader<string, CallBasicData | null>(
    async (ids) => {
      const errors = new Map<string, Error>();
      const getEach = async (missing: readonly string[]): Promise<CallData[]> => {
        const got = await Promise.all(
          missing.map((id) =>
            client
              .getCall(id)
              .catch(
                (e: unknown) => void errors.set(id, e instanceof Error ? e : new Error(String(e))),
              ),
          ),
        );
        return got.filter((m): m is CallBasicData => m != null).map((metaData) => ({ metaData }));
      };
      if (entities) await granted(SCOPES.callsBasic, 'reading a call');
      const calls = entities
        ? await entities.calls(ref, ids, undefined, getEach, read)
        : await getEach(ids);
      const byId = new Map(
        calls.filter((c): c is CallData => c !== null).map((c) => [c.metaData.id, c.metaData]),
      );
      return ids.map((id) => errors.get(id) ?? byId.get(id) ?? null);
    },
    { name: 'basicCall' },
  );

  const cachesFullReads = opts.cache !== undefined && opts.cacheTtlSeconds > 0;
  const usersPage = async (cursor: string | undefined): Promise<Page<UserMetadata>> => {
    const offset = cursor?.startsWith(SLICE) ? Number(cursor.slice(SLICE.length)) : undefined;
    // A cursor from Gong (caching was off when the walk began) goes on with Gong.
    if (
      !cachesFullReads ||
      (cursor !== undefined &&
        (offset === undefined || !Number.isSafeInteger(offset) || offset < 0))
    )
      return client.listUsers({ cursor });
    const all = await cached(
      'users',
      () => collectPages({ fetchPage: (c) => client.listUsers({ cursor: c }), idOf: (u) => u.id }),
      z.array(UserMetadata),
    );
    const from = offset ?? 0;
    const items = all.slice(from, from + PAGE_SIZE);
    const next = from + PAGE_SIZE < all.length ? `${SLICE}${from + PAGE_SIZE}` : undefined;
    return {
      items,
      requestId: '',
      records: {
        totalRecords: all.length,
        currentPageSize: items.length,
        currentPageNumber: Math.floor(from / PAGE_SIZE),
        ...(next ? { cursor: next } : {}),
      },
    };
  };

  let workspaceList: Promise<Workspace[]> | undefined;
  const workspaces = () =>
    (workspaceList ??= cached('workspaces', () => client.listWorkspaces(), z.array(Workspace)));

  return {
    users,
    transcripts,
    calls,
    basicCall,
    workspaces,
    standings: createStandingLoader(opts.standings, ref),
    usersPage,
    cached,
    stats: createStatsLoaders(client, metrics, cached, async (ids) => {
      const found = await users.loadMany(ids);
      const failed = found.find((u) => u instanceof Error);
      if (failed) throw failed;
      return new Set(found.flatMap((u) => (u && !(u instanceof Error) ? [u.id] : [])));
    }),
    rememberCalls(list, selector) {
      const loader = calls(selector);
      for (const c of list) loader.prime(c.metaData.id, c);
      feed(entities?.rememberCalls(ref, list, selector));
    },
    rememberTranscripts(list) {
      for (const t of list) transcripts.prime(t.callId, t);
      feed(entities?.rememberTranscripts(ref, list));
    },
    peek: {
      uncached: (kind, ids) =>
        entities && !opts.fresh ? entities.uncached(ref, kind, ids) : Promise.resolve([...ids]),
      fullRead: (key) =>
        opts.cache && opts.cacheTtlSeconds > 0 && !opts.fresh
          ? opts.cache.peek(ref, key)
          : Promise.resolve({ state: 'missing' }),
    },
    rememberUsers(list) {
      for (const u of list) users.prime(u.id, u);
      feed(entities?.rememberUsers(ref, list));
    },
  };
}
