/**
 * `POST /graphql` and `GET /graphql` through Apollo Server's `executeHTTPGraphQLRequest` (CSRF
 * prevention stays on: GETs need a preflight header such as `apollo-require-preflight`).
 * Bodies above `maxBodyBytes` get 413 JSON; both complete and chunked (incremental) answers are
 * streamed back.
 */
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { GatewayContext } from '../context.js';
import { GatewayError, httpStatusOf } from '../errors.js';
import { readBody, sendJson } from './respond.js';
import type { Route } from './router.js';

/** Generic in the context so benchmarks host a bare Apollo Server exactly the way the gateway is hosted. */
export interface GraphQLRouteOptions<C extends BaseContext = GatewayContext> {
  server: ApolloServer<C>;
  /** A ContextFactory for the gateway; any context builder for a bare server. */
  context: (request: { headers: IncomingMessage['headers']; requestId?: string }) => Promise<C>;
  /** @default 1 MiB */
  maxBodyBytes?: number;
  /** @default '/graphql' */
  path?: string;
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  return headers;
}

/** Context creation failures (authentication) keep their code and HTTP status. */
function asGraphQLError(e: unknown): unknown {
  if (!(e instanceof GatewayError)) return e;
  return new GraphQLError(e.message, { originalError: e, extensions: { code: e.code, http: { status: httpStatusOf[e.code] } } });
}

export function graphqlRoute<C extends BaseContext = GatewayContext>(opts: GraphQLRouteOptions<C>): Route {
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  return {
    path: opts.path ?? '/graphql',
    methods: ['GET', 'POST'],
    async handle({ req, res, url, requestId }) {
      const headers = headerMap(req);
      // Authenticate before reading the body: a stranger must not make us buffer up to maxBodyBytes.
      // A failure is rethrown from Apollo's context step below, so its answer keeps GraphQL's shape.
      const authenticated = await opts.context({ headers: req.headers, requestId }).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      let body: unknown;
      if (!authenticated.ok) res.setHeader('connection', 'close');
      else if (req.method === 'POST') {
        const raw = (await readBody(req, maxBodyBytes)).toString('utf8');
        if ((headers.get('content-type') ?? '').includes('json')) {
          try {
            body = JSON.parse(raw);
          } catch {
            sendJson(res, 400, { errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
            return;
          }
        } else body = raw;
      }
      const result = await opts.server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => {
          if (!authenticated.ok) throw asGraphQLError(authenticated.error);
          return authenticated.value;
        },
      });
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
