/** The cache admin mutation: evicting calls, or a whole connection, when Gong changed under the TTLs. */
import { assertConnectionRef } from '../../connections/types.js';
import { badInput, forbidden } from '../../errors.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { gongIds } from './ids.js';

/** One call sends at most this many keys to the store in one command. */
const MAX_CALL_IDS = 1_000;

export const cacheResolvers: Resolvers = {
  Mutation: {
    gongEvictCache: async (_p, args, ctx) => {
      if (!ctx.principal.admin)
        throw forbidden('gongEvictCache needs an admin API key (GATEWAY_ADMIN_API_KEYS)');
      const ref = assertConnectionRef(args.connectionRef);
      if (args.callIds && args.callIds.length > MAX_CALL_IDS)
        throw badInput(
          `callIds may hold at most ${MAX_CALL_IDS} ids, but got ${args.callIds.length}`,
          { field: 'callIds' },
        );
      const callIds = args.callIds ? gongIds(args.callIds, 'callIds') : undefined;
      await ctx.services.caches.evict(ref, callIds);
      return callIds?.length ?? 0;
    },
  },
};
