/**
 * Users: pages of GET /v2/users (slices of the cached full list when full reads are cached); single and batch lookups (and `manager`, and every call's
 * `primaryUser` / party `user`) through the per-request users loader → POST /v2/users/extensive.
 */
import type { Resolvers } from '../../generated/resolvers-types.js';
import { checkFirst, decodeCursor } from '../cursor.js';
import { readConnection } from '../paging.js';
import { gongId, gongIds, isGongId } from './ids.js';

export const userResolvers: Resolvers = {
  Query: {
    gongUsers: async (_p, args, ctx) => {
      const first = checkFirst(args.first);
      const after = decodeCursor(args.after);
      return readConnection({
        first,
        after,
        fetchPage: async (cursor) => {
          const page = await ctx.loaders.usersPage(cursor);
          // A listed user needs no second lookup as someone's manager.
          ctx.loaders.rememberUsers(page.items);
          return page;
        },
        toNode: (u) => u,
      });
    },
    gongUser: (_p, { id }, ctx) => ctx.loaders.users.load(gongId(id, 'id')),
    gongUsersByIds: (_p, { ids }, ctx) =>
      Promise.all(gongIds(ids, 'ids').map((id) => ctx.loaders.users.load(id))),
  },
  GongUser: {
    __resolveReference: (ref, ctx) => (isGongId(ref.id) ? ctx.loaders.users.load(ref.id) : null),
    manager: (u, _a, ctx) => (u.managerId ? ctx.loaders.users.load(u.managerId) : null),
  },
};
