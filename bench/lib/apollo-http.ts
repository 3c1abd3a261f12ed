/**
 * Hosts any Apollo Server on node:http with the gateway's own route (`src/http/graphql-route.ts`)
 * and server, so baselines differ from the gateway only in schema, resolvers and plugins.
 */
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { Server } from 'node:http';
import { graphqlRoute } from '../../src/http/graphql-route.js';
import { closeServer, createHttpServer, listen } from '../../src/http/server.js';
import { silentLogger } from '../../src/observability/logger.js';

export interface HostedApollo {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function hostApollo<C extends BaseContext>(
  apollo: ApolloServer<C>,
  context: () => Promise<C>,
): Promise<HostedApollo> {
  await apollo.start();
  const server = createHttpServer(
    [graphqlRoute<C>({ server: apollo, authenticate: context })],
    silentLogger(),
  );
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    server,
    close: async () => {
      await closeServer(server);
      await apollo.stop();
    },
  };
}
