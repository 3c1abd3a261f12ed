/**
 * Per-request loaders for the stats, scorecard, tracker, library and call-outcome endpoints.
 * Gong's stats endpoints take a list of user ids, so the activity loaders are keyed by (user,
 * date range[, period]) and send one request per distinct range with every user of the batch:
 * 100 users' day-by-day activity is one request (more only when Gong pages past 100 records).
 * Definitions (scorecards, trackers, outcomes, library folders) are full reads through the
 * full-read cache.
 */
import DataLoader from 'dataloader';
import type { GongClient } from '../gong/types.js';
import { z } from 'zod';
import { AnsweredScorecard, Scorecard } from '../gong/wire/scorecards.js';
import { CallOutcomeDefinition, KeywordTracker, LibraryFolder } from '../gong/wire-stats.js';
import type {
  AggregationPeriod,
  LibraryFolderContent,
  UserActivityByPeriod,
  UserAggregateActivity,
  UserDayByDayActivity,
  UserInteractionStats,
} from '../gong/wire-stats.js';
import type { Metrics } from '../observability/metrics.js';
import { collectPages } from '../gong/reads/pages.js';
import type { Page } from '../gong/types.js';
import { sparingUnknownUsers, type KnownUsers } from './stats-unknown-users.js';
import { observeBatch } from './batch.js';

/** A user's stats over `[from, to)` (company-local days, YYYY-MM-DD), per `period` where it applies. */
export interface UserRangeKey {
  userId: string;
  from: string;
  to: string;
  period?: AggregationPeriod;
}

/** Answers over an optional `[from, to)` range of days (review days for users, the call's day for calls). */
export interface DayRangeKey {
  from?: string;
  to?: string;
}

export interface StatsLoaders {
  aggregate: DataLoader<UserRangeKey, UserAggregateActivity | null, string>;
  byPeriod: DataLoader<UserRangeKey, UserActivityByPeriod | null, string>;
  dayByDay: DataLoader<UserRangeKey, UserDayByDayActivity | null, string>;
  interaction: DataLoader<UserRangeKey, UserInteractionStats | null, string>;
  /** Answered scorecards whose reviewed user (the call's host) is `userId` (from the range's cached read). */
  scorecardsReceived: DataLoader<DayRangeKey & { userId: string }, AnsweredScorecard[], string>;
  /** Answered scorecards `userId` filled in (Gong has no reviewer filter: the range's cached read, split by reviewer). */
  scorecardsGiven: DataLoader<DayRangeKey & { userId: string }, AnsweredScorecard[], string>;
  /** Answered scorecards of a call; `day` is the call's company-local start day. */
  callScorecards: DataLoader<{ callId: string; day: string }, AnsweredScorecard[], string>;
  folderContent: DataLoader<string, LibraryFolderContent | null>;
  scorecards(): Promise<Scorecard[]>;
  trackers(workspaceId?: string): Promise<KeywordTracker[]>;
  libraryFolders(workspaceId?: string): Promise<LibraryFolder[]>;
  callOutcomes(): Promise<CallOutcomeDefinition[]>;
}

const rangeOf = (k: {
  from?: string | undefined;
  to?: string | undefined;
  period?: string | undefined;
}) => `${k.from ?? ''}|${k.to ?? ''}|${k.period ?? ''}`;

/** Groups keys by range; `fetch` answers one range for all its users, indexed by user id (an Error fails that key only). */
function byRange<K extends { userId: string; from?: string; to?: string; period?: string }, V>(
  name: string,
  metrics: Metrics | undefined,
  fetch: (range: K, userIds: string[]) => Promise<Map<string, V | Error>>,
  missing: V,
): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      observeBatch(metrics, name, keys.length);
      const groups = new Map<string, K[]>();
      for (const k of keys) groups.set(rangeOf(k), [...(groups.get(rangeOf(k)) ?? []), k]);
      const answers = new Map<string, Map<string, V | Error>>();
      await Promise.all(
        [...groups].map(async ([range, ks]) => {
          answers.set(range, await fetch(ks[0] as K, [...new Set(ks.map((k) => k.userId))]));
        }),
      );
      return keys.map((k) => answers.get(rangeOf(k))?.get(k.userId) ?? missing);
    },
    { cacheKeyFn: (k) => `${k.userId}|${rangeOf(k)}`, name },
  );
}

const indexBy = <T>(items: T[], key: (t: T) => string | null | undefined): Map<string, T> =>
  new Map(
    items.flatMap((t) => {
      const k = key(t);
      return k ? [[k, t] as [string, T]] : [];
    }),
  );
const groupBy = <T>(items: T[], key: (t: T) => string | null | undefined): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    if (k) out.set(k, [...(out.get(k) ?? []), t]);
  }
  return out;
};

/**
 * @param knownUsers Which ids are Gong users (the users loader): finds the unknown id behind an
 *   activity endpoint's 404 ("User not found"), see ./stats-unknown-users.ts.
 */
export function createStatsLoaders(
  client: GongClient,
  metrics: Metrics | undefined,
  cached: <T>(key: string, load: () => Promise<T>, schema?: z.ZodType<T>) => Promise<T>,
  knownUsers: KnownUsers,
): StatsLoaders {
  const filter = (k: UserRangeKey, userIds: string[]) => ({
    fromDate: k.from,
    toDate: k.to,
    userIds,
  });
  /** One activity read of a range, sparing the batch from the users Gong does not know. */
  const activity = <T extends { userId: string }>(
    read: (k: UserRangeKey, userIds: string[], cursor: string | undefined) => Promise<Page<T>>,
  ) =>
    async function (k: UserRangeKey, userIds: string[]) {
      return sparingUnknownUsers(
        userIds,
        async (ids) =>
          indexBy(
            await collectPages({ fetchPage: (cursor) => read(k, ids, cursor) }),
            (u) => u.userId,
          ),
        knownUsers,
      );
    };

  const aggregate = byRange<UserRangeKey, UserAggregateActivity | null>(
    'stats.aggregate',
    metrics,
    activity((k, ids, cursor) => client.activityAggregate({ cursor, filter: filter(k, ids) })),
    null,
  );
  const byPeriod = byRange<UserRangeKey, UserActivityByPeriod | null>(
    'stats.by-period',
    metrics,
    activity((k, ids, cursor) =>
      client.activityByPeriod({
        cursor,
        filter: filter(k, ids),
        aggregationPeriod: k.period ?? 'WEEK',
      }),
    ),
    null,
  );
  const dayByDay = byRange<UserRangeKey, UserDayByDayActivity | null>(
    'stats.day-by-day',
    metrics,
    activity((k, ids, cursor) => client.activityDayByDay({ cursor, filter: filter(k, ids) })),
    null,
  );
  const interaction = byRange<UserRangeKey, UserInteractionStats | null>(
    'stats.interaction',
    metrics,
    async (k, userIds) =>
      indexBy(
        await collectPages({
          fetchPage: (cursor) => client.interactionStats({ cursor, filter: filter(k, userIds) }),
        }),
        (u) => u.userId,
      ),
    null,
  );

  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>, schema: z.ZodType<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) memo.set(key, (p = cached(key, load, schema)));
    return p;
  };

  const reviewWindow = (k: DayRangeKey) => ({
    ...(k.from ? { reviewFromDate: k.from } : {}),
    ...(k.to ? { reviewToDate: k.to } : {}),
  });
  /**
   * Every answer reviewed in a range, one cached full read (like the other full reads): it serves
   * scorecardsReceived and scorecardsGiven of every user, in this operation and the next ones.
   */
  const reviewsIn = (k: DayRangeKey) =>
    once(
      `answered-scorecards:${k.from ?? ''}|${k.to ?? ''}`,
      () =>
        collectPages({
          fetchPage: (cursor) => client.answeredScorecards({ cursor, filter: reviewWindow(k) }),
        }),
      z.array(AnsweredScorecard),
    );
  const scorecardsReceived = byRange<DayRangeKey & { userId: string }, AnsweredScorecard[]>(
    'stats.scorecards',
    metrics,
    async (k) => groupBy(await reviewsIn(k), (a) => a.reviewedUserId),
    [],
  );
  const scorecardsGiven = byRange<DayRangeKey & { userId: string }, AnsweredScorecard[]>(
    'stats.scorecards',
    metrics,
    async (k) => groupBy(await reviewsIn(k), (a) => a.reviewerUserId),
    [],
  );

  // Gong filters answered scorecards by call day, not call id: one read over the batch's days.
  const callScorecards = new DataLoader<
    { callId: string; day: string },
    AnsweredScorecard[],
    string
  >(
    async (keys) => {
      observeBatch(metrics, 'stats.call-scorecards', keys.length);
      const days = keys.map((k) => k.day).sort();
      const last = days.at(-1) as string;
      const to = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const found = groupBy(
        await collectPages({
          fetchPage: (cursor) =>
            client.answeredScorecards({
              cursor,
              filter: { callFromDate: days[0], callToDate: to },
            }),
        }),
        (a) => a.callId,
      );
      return keys.map((k) => found.get(k.callId) ?? []);
    },
    { cacheKeyFn: (k) => k.callId, name: 'stats.call-scorecards' },
  );

  const folderContent = new DataLoader<string, LibraryFolderContent | null>(
    // Gong reads one folder per request: the loader only de-duplicates.
    async (ids) => Promise.all(ids.map((id) => client.libraryFolderContent(id))),
    { name: 'library.folder-content' },
  );

  return {
    aggregate,
    byPeriod,
    dayByDay,
    interaction,
    scorecardsReceived,
    scorecardsGiven,
    callScorecards,
    folderContent,
    scorecards: () => once('scorecards', () => client.listScorecards(), z.array(Scorecard)),
    trackers: (workspaceId) =>
      once(
        `trackers:${workspaceId ?? 'all'}`,
        () => client.listTrackers(workspaceId ? { workspaceId } : {}),
        z.array(KeywordTracker),
      ),
    libraryFolders: (workspaceId) =>
      once(
        `library-folders:${workspaceId ?? 'all'}`,
        () => client.listLibraryFolders(workspaceId ? { workspaceId } : {}),
        z.array(LibraryFolder),
      ),
    callOutcomes: () =>
      once('call-outcomes', () => client.listCallOutcomes(), z.array(CallOutcomeDefinition)),
  };
}
