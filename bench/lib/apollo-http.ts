/**
 * Hosts any Apollo Server on node:http the way the gateway does (`src/http/server.ts` +
 * `executeHTTPGraphQLRequest`), so baselines differ from the gateway only in schema and resolvers.
 */
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:http';
import { readBody, sendJson } from '../../src/http/respond.js';
import type { Route } from '../../src/http/router.js';
import { closeServer, createHttpServer, listen } from '../../src/http/server.js';
import { silentLogger } from '../../src/observability/logger.js';

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  return headers;
}

function route<C extends BaseContext>(server: ApolloServer<C>, context: () => Promise<C>): Route {
  return {
    path: '/graphql',
    methods: ['GET', 'POST'],
    async handle({ req, res, url }) {
      const headers = headerMap(req);
      let body: unknown;
      if (req.method === 'POST') {
        try {
          body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
        } catch {
          sendJson(res, 400, { errors: [{ message: 'invalid JSON' }] });
          return;
        }
      }
      const result = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body }, context });
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    },
  };
}

export interface HostedApollo {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function hostApollo<C extends BaseContext>(apollo: ApolloServer<C>, context: () => Promise<C>): Promise<HostedApollo> {
  await apollo.start();
  const server = createHttpServer([route(apollo, context)], silentLogger());
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
