/**
 * What `rover supergraph compose` plus a router do, in-process with the npm packages that run on
 * Node 20: read each subgraph's SDL from `_service { sdl }`, compose with `@apollo/composition`,
 * and execute through `@apollo/gateway` with one HTTP data source per subgraph (so the Gong
 * subgraph's request path — client auth, context, per-request loaders — is the real one).
 *
 * Example code, not part of the gateway. `@apollo/gateway` runs queries and mutations only; for
 * subscriptions use Apollo Router, Hive Gateway or stitching (docs/federation.md).
 */
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';

export interface SubgraphEndpoint {
  name: string;
  url: string;
  /** Headers the router adds to every request to this subgraph (e.g. the Gong gateway's API key). */
  headers?: Record<string, string>;
}

/** `{ _service { sdl } }`, the way a router or rover introspects a Federation subgraph. */
export async function fetchSubgraphSdl(subgraph: SubgraphEndpoint): Promise<string> {
  const res = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...subgraph.headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as {
    data?: { _service?: { sdl?: string } };
    errors?: { message: string }[];
  };
  const sdl = body.data?._service?.sdl;
  if (!sdl)
    throw new Error(
      `${subgraph.name} at ${subgraph.url} returned no _service.sdl (HTTP ${res.status}): ${JSON.stringify(body.errors ?? body)}`,
    );
  return sdl;
}

/** Composes the subgraphs into a supergraph SDL; composition errors are thrown, all of them. */
export async function composeSupergraph(subgraphs: readonly SubgraphEndpoint[]): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async (s) => ({
      name: s.name,
      url: s.url,
      typeDefs: parse(await fetchSubgraphSdl(s)),
    })),
  );
  const result = composeServices(services);
  if (result.errors)
    throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result.supergraphSdl;
}

/** An Apollo Server running `@apollo/gateway` over a static supergraph, subgraphs over HTTP (not started yet). */
export function createRouter(
  supergraphSdl: string,
  subgraphs: readonly SubgraphEndpoint[],
): ApolloServer {
  const byName = new Map(subgraphs.map((s) => [s.name, s]));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest: ({ request }) => {
          for (const [k, v] of Object.entries(byName.get(name)?.headers ?? {}))
            request.http?.headers.set(k, v);
        },
      }),
  });
  return new ApolloServer({ gateway });
}
