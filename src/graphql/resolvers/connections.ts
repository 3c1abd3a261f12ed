/**
 * Connection management (schema/connections.graphql). Rights: gongConnections is admin only;
 * everything about one connection needs a principal allowed on it (API keys: any connection;
 * connection JWTs: their own). Tokens never leave the registry.
 */
import { assertAdmin, assertConnectionAccess } from '../../auth/client-auth.js';
import { assertConnectionRef } from '../../connections/types.js';
import { connectionServices } from '../../connections/services.js';
import { badInput } from '../../errors.js';
import type { Resolvers } from '../../generated/resolvers-types.js';

export const connectionResolvers: Resolvers = {
  Query: {
    gongConnection: async (_p, { ref }, ctx) => {
      assertConnectionAccess(ctx.principal, assertConnectionRef(ref));
      return connectionServices(ctx.services.connections).registry.get(ref);
    },
    gongConnections: async (_p, _a, ctx) => {
      assertAdmin(ctx.principal);
      return connectionServices(ctx.services.connections).registry.list();
    },
  },
  Mutation: {
    gongStartOAuth: async (_p, { input }, ctx) => {
      assertConnectionAccess(ctx.principal, assertConnectionRef(input.connectionRef));
      const { oauthFlow } = connectionServices(ctx.services.connections);
      if (!oauthFlow)
        throw badInput(
          'This gateway has no Gong OAuth app: set GONG_OAUTH_CLIENT_ID and GONG_OAUTH_CLIENT_SECRET',
        );
      return oauthFlow.start(input);
    },
    gongDisconnect: async (_p, { connectionRef }, ctx) => {
      assertConnectionAccess(ctx.principal, assertConnectionRef(connectionRef));
      const gone = await connectionServices(ctx.services.connections).registry.disconnect(
        connectionRef,
      );
      // Nothing read under the old grant is served again, and nothing live goes on receiving.
      ctx.services.live?.connectionGone(connectionRef);
      await ctx.services.caches.evict(connectionRef);
      return gone;
    },
  },
};
