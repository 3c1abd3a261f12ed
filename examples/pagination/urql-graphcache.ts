/**
 * urql's graphcache for the gateway: `relayPagination()` on every Gong list, and `keys` derived
 * from the schema `npm run schema:print` writes, so graphcache logs no "Invalid key" warning
 * (docs/clients.md, "Pagination").
 */
import { cacheExchange, type KeyingConfig } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { isObjectType, type GraphQLSchema } from 'graphql';

/** Gong's identities that are not called `id` (each is a type's federation key). */
const OWN_KEYS: KeyingConfig = {
  GongScorecard: (s) => s.scorecardId as string,
  GongTrackerDefinition: (t) => t.trackerId as string,
  GongCallOutcomeDefinition: (o) => o.name as string,
};

/**
 * Every object type without an `id` (tracker hits, stats, page info) is embedded in its parent,
 * and one whose `id` may be null (parties, comments) is embedded when it has none.
 */
export function gongKeys(schema: GraphQLSchema): KeyingConfig {
  const keys: KeyingConfig = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    if (type === schema.getQueryType() || type === schema.getMutationType()) continue;
    if (type === schema.getSubscriptionType()) continue;
    const id = type.getFields().id;
    if (!id) keys[type.name] = () => null;
    else if (id.type.toString() !== 'ID!') keys[type.name] = (x) => (x.id as string | null) ?? null;
  }
  return { ...keys, ...OWN_KEYS };
}

export const gongGraphcache = (schema: GraphQLSchema) =>
  cacheExchange({
    keys: gongKeys(schema),
    resolvers: {
      Query: {
        gongCalls: relayPagination(),
        gongTranscripts: relayPagination(),
        gongUsers: relayPagination(),
        gongFlows: relayPagination(),
        gongAnsweredScorecards: relayPagination(),
      },
    },
  });
