/** Workspaces: one GET /v2/workspaces per request (cached), everything else is a lookup in it. */
import type { Resolvers } from '../../generated/resolvers-types.js';

export const workspaceResolvers: Resolvers = {
  Query: {
    gongWorkspaces: (_p, _a, ctx) => ctx.loaders.workspaces(),
    gongWorkspace: async (_p, { id }, ctx) =>
      (await ctx.loaders.workspaces()).find((w) => w.id === id) ?? null,
  },
  GongWorkspace: {
    __resolveReference: async (ref, ctx) =>
      (await ctx.loaders.workspaces()).find((w) => w.id === ref.id) ?? null,
  },
};
