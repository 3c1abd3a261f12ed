/**
 * Tracker and call-outcome definitions (full reads, cached) and the links from a call's tracker
 * hits and outcome to them.
 */
import type { GatewayContext } from '../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { gongId, isGongId } from './ids.js';

const trackerById = async (ctx: GatewayContext, id: string | null | undefined) =>
  id ? ((await ctx.loaders.stats.trackers()).find((t) => t.trackerId === id) ?? null) : null;

const outcomeById = async (ctx: GatewayContext, id: string | null | undefined) =>
  id ? ((await ctx.loaders.stats.callOutcomes()).find((o) => o.id === id) ?? null) : null;

/** The parent is Gong's wire tracker hit, whose `id` is the tracker's id whatever the GraphQL field is called. */
const wireId = (parent: unknown) => (parent as { id?: string | null }).id;

export const settingsResolvers: Resolvers = {
  Query: {
    gongTrackers: (_p, { workspaceId }, ctx) =>
      ctx.loaders.stats.trackers(workspaceId ? gongId(workspaceId, 'workspaceId') : undefined),
    gongCallOutcomes: (_p, _a, ctx) => ctx.loaders.stats.callOutcomes(),
  },
  GongTrackerDefinition: {
    __resolveReference: (ref, ctx) =>
      isGongId(ref.trackerId) ? trackerById(ctx, ref.trackerId) : null,
    workspace: async (t, _a, ctx) =>
      t.workspaceId
        ? ((await ctx.loaders.workspaces()).find((w) => w.id === t.workspaceId) ?? null)
        : null,
    creator: (t, _a, ctx) =>
      t.creatorUserId && isGongId(t.creatorUserId) ? ctx.loaders.users.load(t.creatorUserId) : null,
  },
  GongCallOutcomeDefinition: {
    __resolveReference: (ref, ctx) => outcomeById(ctx, ref.id),
  },
  GongTracker: {
    definition: (t, _a, ctx) => trackerById(ctx, wireId(t)),
  },
  GongCallOutcome: {
    definition: (o, _a, ctx) => outcomeById(ctx, wireId(o)),
  },
};
