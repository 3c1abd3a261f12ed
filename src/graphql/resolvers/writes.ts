/**
 * Writes (schema/writes.graphql): gongCreateCall on the operation's connection. Validation,
 * idempotency and Gong's answers are the create-call service's (src/call-creation/create-call.ts).
 */
import type { Resolvers } from '../../generated/resolvers-types.js';

export const writeResolvers: Resolvers = {
  Mutation: {
    gongCreateCall: (_p, { input }, ctx) =>
      ctx.services.writes.createCall(ctx.connectionRef, input),
  },
};
