/**
 * The one list of resolver modules. Each module owns the fields of its schema file; they are
 * merged type by type (a field defined twice is a start-up error, not a silent override).
 */
import type { Resolvers } from '../../generated/resolvers-types.js';
import { DateTime, GongJSON } from '../scalars.js';
import { cacheResolvers } from './cache.js';
import { callFieldResolvers } from './call-fields.js';
import { callResolvers } from './calls.js';
import { connectionResolvers } from './connections.js';
import { flowResolvers } from './flows.js';
import { libraryResolvers } from './library.js';
import { scorecardResolvers } from './scorecards.js';
import { searchResolvers } from './search.js';
import { settingsResolvers } from './settings.js';
import { statsResolvers } from './stats.js';
import { subscriptionResolvers } from './subscriptions.js';
import { syncResolvers } from './sync.js';
import { transcriptResolvers } from './transcripts.js';
import { userResolvers } from './users.js';
import { workspaceResolvers } from './workspaces.js';
import { writeResolvers } from './writes.js';

export const RESOLVER_MODULES: Record<string, Resolvers> = {
  scalars: { DateTime, GongJSON },
  workspaces: workspaceResolvers,
  users: userResolvers,
  flows: flowResolvers,
  calls: callResolvers,
  callFields: callFieldResolvers,
  transcripts: transcriptResolvers,
  sync: syncResolvers,
  connections: connectionResolvers,
  subscriptions: subscriptionResolvers,
  writes: writeResolvers,
  scorecards: scorecardResolvers,
  stats: statsResolvers,
  library: libraryResolvers,
  settings: settingsResolvers,
  cache: cacheResolvers,
  search: searchResolvers,
};

export function mergeResolvers(modules: Record<string, Resolvers> = RESOLVER_MODULES): Resolvers {
  const out: Record<string, unknown> = {};
  for (const [moduleName, resolvers] of Object.entries(modules)) {
    for (const [typeName, value] of Object.entries(resolvers)) {
      const existing = out[typeName];
      if (existing === undefined) out[typeName] = value;
      else if (isPlainObject(existing) && isPlainObject(value)) {
        for (const field of Object.keys(value))
          if (field in existing)
            throw new Error(
              `Resolver ${typeName}.${field} is defined twice (again in module ${moduleName})`,
            );
        out[typeName] = { ...existing, ...value };
      } else
        throw new Error(`Resolver ${typeName} is defined twice (again in module ${moduleName})`);
    }
  }
  return out as Resolvers;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
