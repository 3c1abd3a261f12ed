/**
 * Mesh Compose configuration: the Gong gateway (a Federation 2 subgraph; Mesh reads its
 * `_service { sdl }`) composed with the company's CRM subgraph into a supergraph that Hive Gateway
 * serves. Endpoints come from the environment; with `npx tsx examples/federation/gateway.ts`
 * serving both subgraphs:
 *   GONG_SUBGRAPH_URL=http://127.0.0.1:4102/graphql CRM_SUBGRAPH_URL=http://127.0.0.1:4101/graphql \
 *     npx mesh-compose -c examples/mesh-compose/mesh.config.ts -o supergraph.graphql
 *   npx hive-gateway supergraph supergraph.graphql --port 4200
 * With client auth on, add `operationHeaders`/`schemaHeaders` with the router's API key to the Gong
 * source (docs/federation.md). Subscriptions reach the gateway over GraphQL over SSE on the same URL.
 */
import { defineConfig, loadGraphQLHTTPSubgraph } from '@graphql-mesh/compose-cli';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set to the subgraph's GraphQL URL`);
  return v;
};
const gongKey = process.env.GONG_SUBGRAPH_API_KEY;
const gongHeaders = gongKey ? { authorization: `Bearer ${gongKey}` } : undefined;

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadGraphQLHTTPSubgraph('gong', {
        endpoint: env('GONG_SUBGRAPH_URL'),
        federation: true,
        ...(gongHeaders ? { operationHeaders: gongHeaders, schemaHeaders: gongHeaders } : {}),
      }),
    },
    {
      sourceHandler: loadGraphQLHTTPSubgraph('crm', {
        endpoint: env('CRM_SUBGRAPH_URL'),
        federation: true,
      }),
    },
  ],
});
