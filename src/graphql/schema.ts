/**
 * The executable schema: every `schema/*.graphql` file (split by domain; each may `extend type
 * Query`/`Mutation`) plus the merged resolver map, built as a Federation 2 subgraph. The files are
 * merged into one document first, so `_service { sdl }` and `npm run schema:print` show one
 * `type Query`, `Mutation` and `Subscription`: some composers (Mesh Compose) keep only one
 * definition of a root type and silently drop the fields of the `extend` blocks.
 * The same GraphQLSchema serves HTTP, WebSocket, SSE and multipart execution.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeTypeDefs } from '@graphql-tools/merge';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Resolvers } from '../generated/resolvers-types.js';
import { mergeResolvers } from './resolvers/index.js';

/** The repository's `schema/` directory (works from src/ under tsx and from dist/). */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** All schema files, in name order, merged into one document (each type defined once, no `extend type`). */
export function loadTypeDefs(dir: string = SCHEMA_DIR): DocumentNode {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  const sources = parse(
    files.map((f) => `# ${f}\n${readFileSync(`${dir}/${f}`, 'utf8')}`).join('\n'),
  );
  // `extend schema @link(...)` stays an extension: Federation 2 reads its imports from there.
  return mergeTypeDefs([sources], { throwOnConflict: true, useSchemaDefinition: false });
}

type SubgraphModule = Exclude<
  Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number],
  DocumentNode
>;

/**
 * The schema with the given resolvers, or, without them, the plain resolver map's schema, built
 * once per process: it holds no per-gateway state (resolvers reach services through the context),
 * and reading, merging and building it took a fifth of the CPU of starting a gateway, which tests
 * do hundreds of times.
 */
export function buildGatewaySchema(resolvers?: Resolvers, typeDefs?: DocumentNode): GraphQLSchema {
  if (resolvers === undefined && typeDefs === undefined) return (plain ??= build());
  return build(resolvers, typeDefs);
}

let plain: GraphQLSchema | undefined;

function build(
  resolvers: Resolvers = mergeResolvers(),
  typeDefs: DocumentNode = loadTypeDefs(),
): GraphQLSchema {
  // Codegen's Resolvers type is stricter than @apollo/subgraph's map; the shapes are the same.
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as SubgraphModule['resolvers'] }]);
}
