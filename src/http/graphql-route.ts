/**
 * `/graphql` over HTTP: a thin adapter that authenticates, reads the body, negotiates the answer
 * from `Accept` (./negotiate.ts) and hands the operation to its framing:
 * - JSON (queries and mutations, one or a batch of up to `maxBatchSize`): Apollo Server's
 *   `executeHTTPGraphQLRequest`, with the operation pipeline's rules, formatter and plugin; GET
 *   queries need no preflight header (docs/security.md says why CSRF prevention is off) and GET
 *   mutations are refused (405);
 * - GraphQL over SSE (./sse-subscriptions.ts; graphql-sse's PUT, DELETE and token requests too);
 * - Apollo multipart subscriptions (./multipart-subscriptions.ts).
 * Every request is authenticated before a byte of its body is read: a refused one is answered
 * (401 with `WWW-Authenticate: Bearer`, or 403; `{errors}` as GraphQL errors, in
 * `application/graphql-response+json` when accepted) and its connection closed. A browser opening
 * the URL gets the explorer page. Bodies above `maxBodyBytes` get 413 JSON.
 */
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { OperationTypeNode, getOperationAST, parse } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError, httpErrorBody } from '../errors.js';
import type { GatewayContext } from '../graphql/context.js';
import type { AuthRequest } from '../graphql/context.js';
import { isRefusal, type OperationParams, type Refusal } from '../graphql/pipeline/operation.js';
import type { ResolveDocument } from '../graphql/pipeline/document.js';
import type { MultipartSubscriptions } from './multipart-subscriptions.js';
import { jsonTypeFor, negotiate } from './negotiate.js';
import { readBody, sendJson, type BodyDeadlines } from './respond.js';
import type { Route } from './router.js';
import { omit } from '../util/omit.js';
import { isSseControlRequest, type SseSubscriptions } from './sse-subscriptions.js';

/** Generic in the context so benchmarks host a bare Apollo Server exactly the way the gateway is hosted. */
export interface GraphQLRouteOptions<C extends BaseContext = GatewayContext> {
  server: ApolloServer<C>;
  /** Authenticates a request: its context, or the refusal to answer (the pipeline's `authenticate`). */
  authenticate: (request: AuthRequest & { requestId?: string }) => Promise<C | Refusal>;
  /** The pipeline's document step (persisted documents), run before Apollo parses. @default as sent */
  resolveDocument?: ResolveDocument | undefined;
  /** @default 1 MiB */
  maxBodyBytes?: number;
  /** HTTP_BODY_IDLE_MS / HTTP_BODY_DEADLINE_MS. @default DEFAULT_BODY_DEADLINES */
  bodyDeadlines?: BodyDeadlines | undefined;
  /** @default '/graphql' */
  path?: string;
  /** Most operations in one batched request (GRAPHQL_MAX_BATCH_SIZE). @default 10 */
  maxBatchSize?: number | undefined;
  /** The parser's token limit, for finding a subscription's type before choosing its framing. */
  maxTokens?: number | undefined;
  /** Subscriptions (and any operation) over SSE and Apollo multipart; without them, only Apollo. */
  streams?:
    | {
        sse: SseSubscriptions;
        multipart: MultipartSubscriptions;
        context: (c: C) => GatewayContext;
      }
    | undefined;
  /** Serves a page to a browser that opens the URL (a GET asking for HTML without a query). */
  explorer?: ((res: ServerResponse) => void) | undefined;
  /** Runs the request as one operation (the pipeline's scope: turns, ceiling, client presence). */
  scoped?: (<T>(ctx: C, signal: AbortSignal, fn: () => Promise<T>) => Promise<T>) | undefined;
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
    documentId: url.searchParams.get('documentId') ?? undefined,
  };
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  return headers;
}

const badRequest = (res: ServerResponse, message: string) =>
  sendJson(res, 400, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });

/** A refusal as GraphQL errors with its HTTP status, in the JSON type the client reads them from. */
function sendRefusal(req: IncomingMessage, res: ServerResponse, r: Refusal, close: boolean) {
  sendJson(
    res,
    r.status,
    { errors: r.errors },
    {
      ...r.headers,
      'content-type': jsonTypeFor(req.headers),
      ...(close ? { connection: 'close' } : {}),
    },
  );
}

/** Whether a document selects a subscription (only asked when that changes the framing). */
function isSubscription(
  query: unknown,
  operationName: unknown,
  maxTokens: number | undefined,
): boolean {
  if (typeof query !== 'string') return false;
  try {
    const doc = parse(query, maxTokens === undefined ? undefined : { maxTokens });
    const name = typeof operationName === 'string' ? operationName : undefined;
    return getOperationAST(doc, name)?.operation === OperationTypeNode.SUBSCRIPTION;
  } catch {
    return false; // Apollo answers the parse error
  }
}

export function graphqlRoute<C extends BaseContext = GatewayContext>(
  opts: GraphQLRouteOptions<C>,
): Route {
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const maxBatchSize = opts.maxBatchSize ?? 10;
  const streams = opts.streams;
  const resolve = opts.resolveDocument;

  /** The document step for the JSON path: Apollo then parses what it resolved to. */
  const resolved = (p: OperationParams): OperationParams | Refusal => {
    if (!resolve) return p;
    const r = resolve(p);
    if (!r.ok)
      return {
        ok: false,
        stage: 'operation',
        status: r.status,
        headers: {},
        errors: [r.error],
      };
    if (r.query === undefined) return p;
    if (r.documentId === undefined) return { ...p, query: r.query };
    // A trusted document replaces whatever named it; Apollo's APQ would check the name against
    // the sha256 of the text (a manifest key is not always that) and cache the text again.
    const kept = withoutApq(p.extensions);
    const rest = omit(omit(p, 'documentId'), 'extensions');
    return { ...rest, query: r.query, ...(kept === undefined ? {} : { extensions: kept }) };
  };
  /** The text a request runs, for choosing its framing before the stream runs the step again. */
  const textOf = (p: OperationParams): unknown => {
    const r = resolve?.(p);
    return r?.ok && r.query !== undefined ? r.query : p.query;
  };

  return {
    path: opts.path ?? '/graphql',
    methods: streams ? ['GET', 'POST', 'PUT', 'DELETE'] : ['GET', 'POST'],
    async handle({ req, res, url, requestId }) {
      if (opts.explorer && isPageVisit(req, url)) {
        opts.explorer(res);
        return;
      }
      // Authenticate before reading the body: a stranger must not make us buffer up to maxBodyBytes.
      const ctx = await opts.authenticate({ headers: req.headers, requestId });
      if (isRefusal(ctx)) {
        sendRefusal(req, res, ctx, true);
        return;
      }
      const readJson = async (): Promise<unknown> => {
        if (req.method !== 'POST') return undefined;
        const raw = (await readBody(req, maxBodyBytes, opts.bodyDeadlines)).toString('utf8');
        if (!(req.headers['content-type'] ?? '').includes('json')) return raw;
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          return BAD_JSON;
        }
      };
      if (streams && isSseControlRequest(req, url)) {
        await streams.sse.control(req, res, url, streams.context(ctx), async () =>
          paramsOf(url, await readJson()),
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
      const body = await readJson();
      if (body === BAD_JSON) {
        badRequest(res, 'The request body is not valid JSON');
        return;
      }
      if (Array.isArray(body) && body.length > maxBatchSize) {
        badRequest(
          res,
          `A batch may hold at most ${maxBatchSize} operations (GRAPHQL_MAX_BATCH_SIZE), but got ${body.length}`,
        );
        return;
      }
      if (streams && !Array.isArray(body)) {
        const params = paramsOf(url, body);
        const n = negotiate(req.headers);
        const kind =
          n.operation === n.subscription
            ? n.operation
            : isSubscription(textOf(params), params.operationName, opts.maxTokens)
              ? n.subscription
              : n.operation;
        if (kind === 'sse') {
          await streams.sse.distinct(req, res, streams.context(ctx), params);
          return;
        }
        if (kind === 'multipart') {
          await streams.multipart.handle(req, res, streams.context(ctx), params);
          return;
        }
      }
      // The JSON path: Apollo parses, validates (with the pipeline's rules) and executes.
      let apolloBody = body;
      let search = url.search;
      if (Array.isArray(body)) {
        const each = body.map((p: unknown) =>
          typeof p === 'object' && p !== null ? resolved(p) : p,
        );
        const refused = each.find(isRefusal);
        if (refused) return sendRefusal(req, res, refused, false);
        apolloBody = each;
      } else if (body !== undefined && typeof body === 'object' && body !== null) {
        const one = resolved(body);
        if (isRefusal(one)) return sendRefusal(req, res, one, false);
        apolloBody = one;
      } else if (body === undefined && resolve) {
        const sent = paramsOf(url, undefined);
        const one = resolved(sent);
        if (isRefusal(one)) return sendRefusal(req, res, one, false);
        if (one.query !== sent.query || one.extensions !== sent.extensions) {
          const q = new URLSearchParams(url.search);
          if (typeof one.query === 'string') q.set('query', one.query);
          q.delete('documentId');
          if (one.extensions === undefined) q.delete('extensions');
          else q.set('extensions', JSON.stringify(one.extensions));
          search = `?${q.toString()}`;
        }
      }
      // One operation scope for the request (a batch counts as one): its Gong requests take turns
      // with other operations' and are dropped if the client goes away while they wait.
      const gone = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) gone.abort(new Error('The client went away'));
      });
      const run = () =>
        opts.server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: req.method ?? 'GET',
            headers: headerMap(req),
            search,
            body: apolloBody,
          },
          context: () => Promise.resolve(ctx),
        });
      const result = opts.scoped ? await opts.scoped(ctx, gone.signal, run) : await run();
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

const BAD_JSON = Symbol('bad JSON');

/** Extensions without APQ's `persistedQuery` (undefined when nothing else is left). */
function withoutApq(extensions: unknown): unknown {
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions))
    return extensions;
  const rest = omit(extensions as Record<string, unknown>, 'persistedQuery');
  return Object.keys(rest).length > 0 ? rest : undefined;
}
