/**
 * POST /v2/stats/activity/{aggregate,aggregate-by-period,day-by-day}, POST /v2/stats/interaction
 * and POST /v2/stats/activity/scorecards: stats computed from the tenant's calls, reviews and
 * comments. Records are per user (per review for scorecards), 100 a page; users without
 * activity are left out. The 404s are the spec's: the activity endpoints refuse a filter naming
 * an unknown user with "User not found" (the whole batch, no id named); interaction stats and
 * answered scorecards answer 404 when nothing matched. Internal.
 */
import {
  AnsweredScorecardsRequest,
  STATS_SCOPES,
  StatsByPeriodRequest,
  StatsRequest,
  type AggregationPeriod,
} from '../gong/wire-stats.js';
import {
  badRequest,
  gongError,
  jsonObject,
  ok,
  pagedRead,
  validate,
  type ApiContext,
  type ApiRoute,
} from './api.js';
import { ActivityStats, dayOf, type StatsQuery } from './activity.js';
import { answeredScorecardJson } from './seed-scorecards.js';
import type { SandboxRequest } from './http.js';
import { omit } from '../util/omit.js';

/** The spec's 404 descriptions, used as messages (Gong's exact wording is not recorded). */
export const STATS_NOT_FOUND = {
  user: 'User not found',
  interaction: 'No stats found for the specified period',
  scorecards: 'Answered scorecards not found',
} as const;

function checkDates(
  from: string | undefined,
  to: string | undefined,
  names: [string, string],
): void {
  for (const [name, v] of [
    [names[0], from],
    [names[1], to],
  ] as const)
    if (v !== undefined && Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
      throw badRequest(`${name}: must be a date YYYY-MM-DD, got '${v}'`);
  if (from !== undefined && to !== undefined && from >= to)
    throw badRequest(`${names[0]} must be before ${names[1]}`);
}

/** The users-with-dates request of every activity endpoint: validated, then the stats query. */
function statsInput(
  schema: typeof StatsRequest | typeof StatsByPeriodRequest,
  req: SandboxRequest,
  ctx: ApiContext,
) {
  const body: StatsRequest & { aggregationPeriod?: AggregationPeriod } = validate(
    schema,
    jsonObject(req),
  );
  const f = body.filter;
  checkDates(f.fromDate, f.toDate, ['filter.fromDate', 'filter.toDate']);
  // "This value should not exceed the current day" (toDate is exclusive, in the company's zone).
  if (f.toDate > dayOf(ctx.now, ctx.tenant.opts.utcOffset))
    throw badRequest('filter.toDate: should not exceed the current day');
  const inputs = omit(body, 'cursor');
  const query = (at: number): StatsQuery => ({
    from: f.fromDate,
    to: f.toDate,
    users: f.userIds ? new Set(f.userIds) : undefined,
    at,
  });
  return { body, inputs, query };
}

function statsRoute(
  path: string,
  label: string,
  scope: string,
  schema: typeof StatsRequest | typeof StatsByPeriodRequest,
  listKey: string,
  withWindow: boolean,
  list: (
    stats: ActivityStats,
    q: StatsQuery,
    body: { aggregationPeriod?: AggregationPeriod },
  ) => Record<string, unknown>[],
  /** Activity: unknown userIds fail the batch. Interaction: nothing matched is a 404. */
  notFound: 'unknown-users' | 'empty',
): ApiRoute {
  return {
    method: 'POST',
    pattern: new RegExp(`^${path.replace(/\//g, '\\/')}$`),
    label,
    scopes: () => [scope],
    handle(req, ctx) {
      const { body, inputs, query } = statsInput(schema, req, ctx);
      if (
        notFound === 'unknown-users' &&
        body.filter.userIds?.some((id) => ctx.tenant.userById(id) === undefined)
      )
        throw gongError(404, STATS_NOT_FOUND.user);
      const stats = new ActivityStats(ctx.tenant, ctx.insights);
      let window: Record<string, string> = {};
      const page = pagedRead(ctx, label, body.cursor, inputs, (snapshot) => {
        if (withWindow) window = stats.window(query(snapshot));
        return list(stats, query(snapshot), body);
      });
      if (notFound === 'empty' && page.records.totalRecords === 0)
        throw gongError(404, STATS_NOT_FOUND.interaction);
      return ok({ records: page.records, [listKey]: page.items, ...window });
    },
  };
}

export const statsRoutes: ApiRoute[] = [
  statsRoute(
    '/v2/stats/activity/aggregate',
    'POST /v2/stats/activity/aggregate',
    STATS_SCOPES.statsUserActions,
    StatsRequest,
    'usersAggregateActivityStats',
    true,
    (s, q) => s.aggregate(q),
    'unknown-users',
  ),
  statsRoute(
    '/v2/stats/activity/aggregate-by-period',
    'POST /v2/stats/activity/aggregate-by-period',
    STATS_SCOPES.statsUserActions,
    StatsByPeriodRequest,
    'usersAggregateActivity',
    false,
    (s, q, body) => s.byPeriod(q, body.aggregationPeriod ?? 'WEEK'),
    'unknown-users',
  ),
  statsRoute(
    '/v2/stats/activity/day-by-day',
    'POST /v2/stats/activity/day-by-day',
    STATS_SCOPES.statsUserActionsDetailed,
    StatsRequest,
    'usersDetailedActivities',
    false,
    (s, q) => s.dayByDay(q),
    'unknown-users',
  ),
  statsRoute(
    '/v2/stats/interaction',
    'POST /v2/stats/interaction',
    STATS_SCOPES.statsInteraction,
    StatsRequest,
    'peopleInteractionStats',
    true,
    (s, q) => s.interaction(q),
    'empty',
  ),
  {
    method: 'POST',
    pattern: /^\/v2\/stats\/activity\/scorecards$/,
    label: 'POST /v2/stats/activity/scorecards',
    scopes: () => [STATS_SCOPES.statsScorecards],
    handle(req, ctx) {
      const body = validate(AnsweredScorecardsRequest, jsonObject(req));
      const f = body.filter;
      checkDates(f.callFromDate, f.callToDate, ['filter.callFromDate', 'filter.callToDate']);
      checkDates(f.reviewFromDate, f.reviewToDate, [
        'filter.reviewFromDate',
        'filter.reviewToDate',
      ]);
      const offset = ctx.tenant.opts.utcOffset;
      const within = (day: string, from: string | undefined, to: string | undefined) =>
        (from === undefined || day >= from) && (to === undefined || day < to);
      const reviewed = f.reviewedUserIds ? new Set(f.reviewedUserIds) : undefined;
      const cards = f.scorecardIds ? new Set(f.scorecardIds) : undefined;
      const inputs = omit(body, 'cursor');
      const page = pagedRead(ctx, this.label, body.cursor, inputs, (snapshot) =>
        ctx.insights
          .visibleReviews(snapshot)
          .filter(
            (r) =>
              within(dayOf(r.callStartMs, offset), f.callFromDate, f.callToDate) &&
              within(dayOf(r.reviewMs, offset), f.reviewFromDate, f.reviewToDate) &&
              (!reviewed || reviewed.has(r.reviewedUserId)) &&
              (!cards || cards.has(r.scorecardId)),
          )
          .sort((a, b) => a.reviewMs - b.reviewMs || a.callId.localeCompare(b.callId))
          .map(answeredScorecardJson),
      );
      if (page.records.totalRecords === 0) throw gongError(404, STATS_NOT_FOUND.scorecards);
      return ok({ records: page.records, answeredScorecards: page.items });
    },
  },
];
