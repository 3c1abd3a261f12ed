/** Owned by the writes engineer (schema/writes.graphql). Empty until they fill it. */
import type { Resolvers } from '../../generated/resolvers-types.js';

export const writeResolvers: Resolvers = {};
