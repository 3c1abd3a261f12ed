/**
 * The executable schema: every `schema/*.graphql` file (others add files that `extend type
 * Query`/`Mutation` or add `type Subscription`) plus the merged resolver map, built as a
 * Federation 2 subgraph. The same GraphQLSchema serves HTTP and WebSocket execution.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Resolvers } from '../generated/resolvers-types.js';
import { mergeResolvers } from './resolvers/index.js';

/** The repository's `schema/` directory (works from src/ under tsx and from dist/). */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** All schema files, in name order, as one document. */
export function loadTypeDefs(dir: string = SCHEMA_DIR): DocumentNode {
  const files = readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
  return parse(files.map((f) => `# ${f}\n${readFileSync(`${dir}/${f}`, 'utf8')}`).join('\n'));
}

type SubgraphModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>;

export function buildGatewaySchema(resolvers: Resolvers = mergeResolvers(), typeDefs: DocumentNode = loadTypeDefs()): GraphQLSchema {
  // Codegen's Resolvers type is stricter than @apollo/subgraph's map; the shapes are the same.
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as SubgraphModule['resolvers'] }]);
}
