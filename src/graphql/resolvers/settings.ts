/**
 * Tracker and call-outcome definitions (full reads, cached) and the links from a call's tracker
 * hits and outcome to them.
 */
import type { GatewayContext } from '../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { isGongId } from './ids.js';
import { readOfWorkspace } from './workspace-read.js';

const trackerById = async (ctx: GatewayContext, id: string | null | undefined) =>
  id ? ((await ctx.loaders.stats.trackers()).find((t) => t.trackerId === id) ?? null) : null;

/** Definitions have no id: a call's outcome and a federation reference find theirs by name, ignoring case. */
const outcomeByName = async (ctx: GatewayContext, name: string | null | undefined) => {
  const wanted = name?.trim().toLowerCase();
  if (!wanted) return null;
  const all = await ctx.loaders.stats.callOutcomes();
  return all.find((o) => o.callOutcome.trim().toLowerCase() === wanted) ?? null;
};

/** The parent is Gong's wire tracker hit, whose `id` is the tracker's id whatever the GraphQL field is called. */
const wireId = (parent: unknown) => (parent as { id?: string | null }).id;

export const settingsResolvers: Resolvers = {
  Query: {
    gongTrackers: (_p, { workspaceId }, ctx) =>
      readOfWorkspace(ctx, workspaceId, (id) => ctx.loaders.stats.trackers(id)),
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
    __resolveReference: (ref, ctx) => outcomeByName(ctx, ref.name),
    name: (d) => d.callOutcome,
  },
  GongTracker: {
    definition: (t, _a, ctx) => trackerById(ctx, wireId(t)),
  },
  GongCallOutcome: {
    definition: (o, _a, ctx) => outcomeByName(ctx, o.name),
  },
};
