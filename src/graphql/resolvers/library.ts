/**
 * The call library: folders (full read per workspace, cached), their content (one request per
 * folder) and their calls through the calls loader, so the calls of every folder in an
 * operation are one /v2/calls/extensive batch with the operation's selector.
 */
import type { GatewayContext } from '../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { loadCall } from './call-plan.js';
import { gongId, isGongId } from './ids.js';
import { readOfWorkspace } from './workspace-read.js';

const folderById = async (ctx: GatewayContext, id: string) =>
  (await ctx.loaders.stats.libraryFolders()).find((f) => f.id === id) ?? null;

export const libraryResolvers: Resolvers = {
  Query: {
    gongLibraryFolders: (_p, { workspaceId }, ctx) =>
      readOfWorkspace(ctx, workspaceId, (id) => ctx.loaders.stats.libraryFolders(id)),
    gongLibraryFolder: (_p, { id }, ctx) => folderById(ctx, gongId(id, 'id')),
  },
  GongLibraryFolder: {
    __resolveReference: (ref, ctx) => (isGongId(ref.id) ? folderById(ctx, ref.id) : null),
    parentFolder: (f, _a, ctx) => (f.parentFolderId ? folderById(ctx, f.parentFolderId) : null),
    creator: (f, _a, ctx) =>
      f.createdBy && isGongId(f.createdBy) ? ctx.loaders.users.load(f.createdBy) : null,
    entries: async (f, _a, ctx) => (await ctx.loaders.stats.folderContent.load(f.id))?.calls ?? [],
    calls: async (f, _a, ctx, info) => {
      const entries = (await ctx.loaders.stats.folderContent.load(f.id))?.calls ?? [];
      return Promise.all(entries.map((e) => loadCall(ctx, info, e.id, false)));
    },
  },
  GongLibraryCall: {
    callId: (e) => e.id,
    call: (e, _a, ctx, info) => loadCall(ctx, info, e.id, false),
    addedByUser: (e, _a, ctx) =>
      e.addedBy && isGongId(e.addedBy) ? ctx.loaders.users.load(e.addedBy) : null,
  },
};
