/**
 * The Gong client's functions for the stats, settings and library endpoints (one per endpoint,
 * like ./client.ts, whose validation helpers they share). A 404 of the activity endpoints is
 * Gong's "User not found" for a batch naming an unknown user: it fails as UsersNotFoundError,
 * never as "no activity". Elsewhere a 404 is "nothing matched" (an empty page), except for a
 * read of one workspace, where it may mean that Gong does not know the workspace (NOT_FOUND).
 */
import type { z } from 'zod';
import type { GongRequest, GongResponse, GongStatsClient, Page, Priority } from './types.js';
import { gongAnswerError, idsNamedIn, UsersNotFoundError } from './errors.js';
import type { Records } from './wire.js';
import {
  ActivityByPeriodResponse,
  AggregateActivityResponse,
  AnsweredScorecardsRequest,
  AnsweredScorecardsResponse,
  CallOutcomesResponse,
  DayByDayActivityResponse,
  InteractionStatsResponse,
  LibraryFolderContentResponse,
  LibraryFoldersResponse,
  STATS_SCOPES,
  StatsByPeriodRequest,
  StatsRequest,
  TrackersResponse,
} from './wire-stats.js';
import { ScorecardsResponse } from './wire/scorecards.js';

/** What ./client.ts lends: sending, answer validation, input validation, id checks. */
export interface ClientHelpers {
  send(req: GongRequest): Promise<GongResponse>;
  parse<S extends z.ZodType>(schema: S, req: GongRequest, res: GongResponse): z.output<S>;
  input<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S>;
  id(value: string, name: string): string;
}

export type { GongStatsClient };

const empty = (res: GongResponse): Page<never> => ({
  items: [],
  records: { totalRecords: 0, currentPageSize: 0, currentPageNumber: 0 } satisfies Records,
  requestId: res.requestId ?? '',
});

export function createStatsEndpoints(h: ClientHelpers): GongStatsClient {
  /**
   * One paged POST: validates the body, returns the named list. A 404 is an empty page, or with
   * `notFound: 'users'` a UsersNotFoundError (the activity endpoints' "User not found").
   */
  async function pagedPost<S extends z.ZodType, T>(
    path: string,
    endpoint: string,
    scope: string,
    bodySchema: z.ZodType,
    body: unknown,
    schema: S,
    pick: (data: z.output<S>) => T[],
    priority: Priority | undefined,
    notFound: 'empty' | 'users' = 'empty',
  ): Promise<Page<T>> {
    const request = h.input(bodySchema, body, `${endpoint} body`);
    const req: GongRequest = {
      method: 'POST',
      path,
      endpoint,
      scope,
      priority,
      idempotent: true,
      body: request,
    };
    const res = await h.send(req);
    if (res.status === 404 && notFound === 'users') {
      const plain = gongAnswerError(`${req.method} ${req.path}`, res);
      throw new UsersNotFoundError(plain.message, plain.details ?? {}, idsNamedIn(res));
    }
    if (res.status === 404) return empty(res);
    const data = h.parse(schema, req, res) as z.output<S> & { records: Records; requestId: string };
    return { items: pick(data), records: data.records, requestId: data.requestId };
  }

  /**
   * A full read without paging: 404 is an empty list, unless the caller named a workspace: then
   * it may be Gong's answer for an unknown id ("Workspace not found", "No folders found"), so it
   * fails as NOT_FOUND and the caller, who can tell a known workspace, decides.
   */
  async function fullGet<S extends z.ZodType, T>(
    req: Omit<GongRequest, 'method'>,
    schema: S,
    pick: (data: z.output<S>) => T[],
  ): Promise<T[]> {
    const full: GongRequest = { method: 'GET', ...req };
    const res = await h.send(full);
    if (res.status === 404 && full.query?.workspaceId === undefined) return [];
    return pick(h.parse(schema, full, res));
  }

  const optionalId = (v: string | undefined, name: string) =>
    v === undefined ? undefined : h.id(v, name);

  return {
    activityAggregate: (body, priority) =>
      pagedPost(
        '/v2/stats/activity/aggregate',
        'stats.activity.aggregate',
        STATS_SCOPES.statsUserActions,
        StatsRequest,
        body,
        AggregateActivityResponse,
        (d) => d.usersAggregateActivityStats,
        priority,
        'users',
      ),
    activityByPeriod: (body, priority) =>
      pagedPost(
        '/v2/stats/activity/aggregate-by-period',
        'stats.activity.by-period',
        STATS_SCOPES.statsUserActions,
        StatsByPeriodRequest,
        body,
        ActivityByPeriodResponse,
        (d) => d.usersAggregateActivity,
        priority,
        'users',
      ),
    activityDayByDay: (body, priority) =>
      pagedPost(
        '/v2/stats/activity/day-by-day',
        'stats.activity.day-by-day',
        STATS_SCOPES.statsUserActionsDetailed,
        StatsRequest,
        body,
        DayByDayActivityResponse,
        (d) => d.usersDetailedActivities,
        priority,
        'users',
      ),
    interactionStats: (body, priority) =>
      pagedPost(
        '/v2/stats/interaction',
        'stats.interaction',
        STATS_SCOPES.statsInteraction,
        StatsRequest,
        body,
        InteractionStatsResponse,
        (d) => d.peopleInteractionStats,
        priority,
      ),
    answeredScorecards: (body, priority) =>
      pagedPost(
        '/v2/stats/activity/scorecards',
        'stats.scorecards',
        STATS_SCOPES.statsScorecards,
        AnsweredScorecardsRequest,
        body,
        AnsweredScorecardsResponse,
        (d) => d.answeredScorecards,
        priority,
      ),

    listScorecards: (priority) =>
      fullGet(
        {
          path: '/v2/settings/scorecards',
          endpoint: 'settings.scorecards',
          scope: STATS_SCOPES.settingsScorecards,
          priority,
        },
        ScorecardsResponse,
        (d) => d.scorecards,
      ),
    listTrackers: (params = {}, priority) =>
      fullGet(
        {
          path: '/v2/settings/trackers',
          endpoint: 'settings.trackers',
          scope: STATS_SCOPES.settingsTrackers,
          priority,
          query: { workspaceId: optionalId(params.workspaceId, 'workspaceId') },
        },
        TrackersResponse,
        (d) => d.keywordTrackers,
      ),
    listLibraryFolders: (params = {}, priority) =>
      fullGet(
        {
          path: '/v2/library/folders',
          endpoint: 'library.folders',
          scope: STATS_SCOPES.libraryRead,
          priority,
          query: { workspaceId: optionalId(params.workspaceId, 'workspaceId') },
        },
        LibraryFoldersResponse,
        (d) => d.folders,
      ),
    // No scope named: the spec copy predates this endpoint, and guessing one would refuse
    // connections that real Gong serves. Gong's own answer decides.
    listCallOutcomes: (priority) =>
      fullGet(
        { path: '/v2/call-outcomes', endpoint: 'settings.call-outcomes', priority },
        CallOutcomesResponse,
        (d) => d.outcomes,
      ),
    async libraryFolderContent(folderId, priority) {
      const req: GongRequest = {
        method: 'GET',
        path: '/v2/library/folder-content',
        endpoint: 'library.folder-content',
        scope: STATS_SCOPES.libraryRead,
        priority,
        query: { folderId: h.id(folderId, 'folderId') },
      };
      const res = await h.send(req);
      if (res.status === 404) return null;
      return h.parse(LibraryFolderContentResponse, req, res);
    },
  };
}
