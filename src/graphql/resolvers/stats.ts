/**
 * Activity and interaction stats: `GongUser.activity` / `interactionStats` and the root fields for
 * many users. Each part goes through a loader keyed by (user, range[, period]), so every user of
 * the operation with the same range shares one request per endpoint.
 */
import type { GatewayContext } from '../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import type { ActivityCountsWithDates, UserInteractionStats } from '../../gong/wire-stats.js';
import type { UserRangeKey } from '../../loaders/stats.js';
import { loadCall } from './call-plan.js';
import { gongIds, isGongId } from './ids.js';
import { requiredDayRange } from './stats-args.js';

/** Gong's per-user interaction stats with the range they cover. */
export type InteractionStatsParent = UserInteractionStats & { fromDate: string; toDate: string };

/** The names the spec lists for POST /v2/stats/interaction (it sends no Talk Ratio). */
const STAT_NAMES = {
  longestMonologue: 'Longest Monologue',
  longestCustomerStory: 'Longest Customer Story',
  interactivity: 'Interactivity',
  patience: 'Patience',
  questionRate: 'Question Rate',
} as const;

const statNamed = (name: string) => (p: InteractionStatsParent) =>
  p.personInteractionStats?.find((s) => s.name?.toLowerCase() === name.toLowerCase())?.value ??
  null;

async function interactionOf(
  ctx: GatewayContext,
  key: UserRangeKey,
): Promise<InteractionStatsParent | null> {
  const stats = await ctx.loaders.stats.interaction.load(key);
  return stats ? { ...stats, fromDate: key.from, toDate: key.to } : null;
}

export const statsResolvers: Resolvers = {
  Query: {
    gongActivity: (_p, args) => {
      const range = requiredDayRange(args.from, args.to);
      return gongIds(args.userIds, 'userIds').map((userId) => ({
        userId,
        ...range,
        period: args.period ?? 'WEEK',
      }));
    },
    gongInteractionStats: (_p, args, ctx) => {
      const range = requiredDayRange(args.from, args.to);
      return Promise.all(
        gongIds(args.userIds, 'userIds').map((userId) => interactionOf(ctx, { userId, ...range })),
      );
    },
  },
  GongUser: {
    activity: (u, args) => ({
      userId: u.id,
      ...requiredDayRange(args.from, args.to),
      period: args.period ?? 'WEEK',
    }),
    interactionStats: (u, args, ctx) =>
      interactionOf(ctx, { userId: u.id, ...requiredDayRange(args.from, args.to) }),
  },
  GongUserActivity: {
    user: (k, _a, ctx) => ctx.loaders.users.load(k.userId),
    // The range keys without the period share one aggregate/day-by-day request across periods.
    aggregate: async (k, _a, ctx): Promise<ActivityCountsWithDates | null> =>
      (await ctx.loaders.stats.aggregate.load({ userId: k.userId, from: k.from, to: k.to }))
        ?.userAggregateActivityStats ?? null,
    byPeriod: async (k, _a, ctx) =>
      (await ctx.loaders.stats.byPeriod.load(k))?.userAggregateActivity ?? [],
    days: async (k, _a, ctx) =>
      (await ctx.loaders.stats.dayByDay.load({ userId: k.userId, from: k.from, to: k.to }))
        ?.userDailyActivityStats ?? [],
  },
  GongDailyActivity: {
    hostedCalls: (d, _a, ctx, info) =>
      Promise.all(
        (d.callsAsHost ?? []).filter(isGongId).map((id) => loadCall(ctx, info, id, false)),
      ),
  },
  GongUserInteractionStats: {
    user: (p, _a, ctx) => ctx.loaders.users.load(p.userId),
    ...Object.fromEntries(
      Object.entries(STAT_NAMES).map(([field, name]) => [field, statNamed(name)]),
    ),
  },
};
