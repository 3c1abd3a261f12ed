/**
 * `/graphql` over HTTP. Queries and mutations (one, or a batch of up to `maxBatchSize` as a JSON
 * array) go through Apollo Server's `executeHTTPGraphQLRequest`; GET queries need no preflight
 * header (docs/security.md says why CSRF prevention is off) and GET mutations are refused (405).
 * Streaming transports get their own modules: GraphQL over SSE (`Accept: text/event-stream`, and
 * graphql-sse's PUT/DELETE) and Apollo multipart subscriptions (`subscriptionSpec`). A browser
 * opening the URL gets the explorer page. Bodies above `maxBodyBytes` get 413 JSON; both complete
 * and chunked (incremental) answers are streamed back; a 401 carries `WWW-Authenticate: Bearer`.
 */
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { GatewayContext } from '../graphql/context.js';
import { ErrorCode, GatewayError, httpErrorBody, httpStatusOf } from '../errors.js';
import { challengeFor, type OperationParams } from './http-operation.js';
import {
  acceptsMultipartSubscriptions,
  type MultipartSubscriptions,
} from './multipart-subscriptions.js';
import { readBody, sendJson, type BodyDeadlines } from './respond.js';
import type { Route } from './router.js';
import { isSseRequest, type SseSubscriptions } from './sse-subscriptions.js';
import { asError } from '../util/promised.js';

/** Generic in the context so benchmarks host a bare Apollo Server exactly the way the gateway is hosted. */
export interface GraphQLRouteOptions<C extends BaseContext = GatewayContext> {
  server: ApolloServer<C>;
  /** A ContextFactory for the gateway; any context builder for a bare server. */
  context: (request: { headers: IncomingMessage['headers']; requestId?: string }) => Promise<C>;
  /** @default 1 MiB */
  maxBodyBytes?: number;
  /** HTTP_BODY_IDLE_MS / HTTP_BODY_DEADLINE_MS. @default DEFAULT_BODY_DEADLINES */
  bodyDeadlines?: BodyDeadlines | undefined;
  /** @default '/graphql' */
  path?: string;
  /** Most operations in one batched request (GRAPHQL_MAX_BATCH_SIZE). @default 10 */
  maxBatchSize?: number | undefined;
  /** Subscriptions (and any operation) over SSE and Apollo multipart; without them, only Apollo. */
  streams?: { sse: SseSubscriptions; multipart: MultipartSubscriptions } | undefined;
  /** Serves a page to a browser that opens the URL (a GET asking for HTML without a query). */
  explorer?: ((res: import('node:http').ServerResponse) => void) | undefined;
}

/** A browser navigating to the URL, not a client sending a GET query. */
const isPageVisit = (req: IncomingMessage, url: URL) =>
  req.method === 'GET' &&
  (req.headers.accept ?? '').includes('text/html') &&
  !url.searchParams.has('query');

function paramsOf(url: URL, body: unknown): OperationParams {
  if (body !== undefined)
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
  const json = (name: string) => {
    const v = url.searchParams.get(name);
    if (v === null) return undefined;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v; // left to preparation, which refuses non-objects with a clear message
    }
  };
  return {
    query: url.searchParams.get('query') ?? undefined,
    operationName: url.searchParams.get('operationName') ?? undefined,
    variables: json('variables'),
    extensions: json('extensions'),
  };
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  return headers;
}

/** Context creation failures (authentication) keep their code and HTTP status. */
function asGraphQLError(e: unknown): Error {
  if (!(e instanceof GatewayError)) return asError(e);
  const headers = new HeaderMap(Object.entries(challengeFor(e.code)));
  const extensions: Record<string, unknown> = {
    code: e.code,
    http: { status: httpStatusOf[e.code], headers },
  };
  return new GraphQLError(e.message, { originalError: e, extensions });
}

export function graphqlRoute<C extends BaseContext = GatewayContext>(
  opts: GraphQLRouteOptions<C>,
): Route {
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const maxBatchSize = opts.maxBatchSize ?? 10;
  const streams = opts.streams;
  return {
    path: opts.path ?? '/graphql',
    methods: streams ? ['GET', 'POST', 'PUT', 'DELETE'] : ['GET', 'POST'],
    async handle({ req, res, url, requestId }) {
      if (opts.explorer && isPageVisit(req, url)) {
        opts.explorer(res);
        return;
      }
      if (streams && isSseRequest(req)) {
        await streams.sse.handle(req, res, requestId, async () =>
          req.method === 'POST'
            ? (await readBody(req, maxBodyBytes, opts.bodyDeadlines)).toString('utf8')
            : '',
        );
        return;
      }
      if (req.method === 'PUT' || req.method === 'DELETE') {
        const e = new GatewayError(
          ErrorCode.BAD_USER_INPUT,
          `${req.method} is not allowed on ${url.pathname} except for GraphQL over SSE streams; use GET or POST`,
        );
        sendJson(res, 405, httpErrorBody(e), { allow: 'GET, POST' });
        return;
      }
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
        const raw = (await readBody(req, maxBodyBytes, opts.bodyDeadlines)).toString('utf8');
        if ((headers.get('content-type') ?? '').includes('json')) {
          try {
            body = JSON.parse(raw);
          } catch {
            sendJson(res, 400, {
              errors: [
                {
                  message: 'The request body is not valid JSON',
                  extensions: { code: 'BAD_REQUEST' },
                },
              ],
            });
            return;
          }
        } else body = raw;
      }
      if (streams && acceptsMultipartSubscriptions(req)) {
        await streams.multipart.handle(req, res, requestId, paramsOf(url, body));
        return;
      }
      if (Array.isArray(body) && body.length > maxBatchSize) {
        sendJson(res, 400, {
          errors: [
            {
              message: `A batch may hold at most ${maxBatchSize} operations (GRAPHQL_MAX_BATCH_SIZE), but got ${body.length}`,
              extensions: { code: 'BAD_REQUEST' },
            },
          ],
        });
        return;
      }
      const result = await opts.server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: () =>
          authenticated.ok
            ? Promise.resolve(authenticated.value)
            : Promise.reject(asGraphQLError(authenticated.error)),
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
