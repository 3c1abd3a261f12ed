/**
 * The gateway's route table: exact paths and prefixes, one module per route family
 * (`/graphql`, `/healthz`, and others' `/webhooks/gong/:ref`, `/callbacks/v1/oauth`, `/proxy/*`,
 * `/readyz`, `/metrics` ...). Unknown paths are 404 JSON; a method the route does not serve is
 * 405 JSON; a handler's error becomes an error reply (see respond.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError, httpErrorBody, notFound } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { runWithRequestId } from '../observability/request-context.js';
import { sendError, sendJson } from './respond.js';

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  /** For prefix routes: the path after the prefix (without a leading slash). */
  rest: string;
}

export interface Route {
  /** Exact path, e.g. `/healthz`. */
  path?: string;
  /** Prefix, e.g. `/webhooks/gong/` (matches paths that start with it). */
  prefix?: string;
  /** Methods served; others get 405. */
  methods: readonly string[];
  handle(r: RouteRequest): void | Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function createRouter(routes: readonly Route[], logger: Logger): RequestListener {
  const exact = new Map<string, Route>();
  for (const r of routes) if (r.path) exact.set(r.path, r);
  const prefixes = routes
    .filter((r) => r.prefix !== undefined)
    .sort((a, b) => (b.prefix?.length ?? 0) - (a.prefix?.length ?? 0));

  return (req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const route =
      exact.get(url.pathname) ?? prefixes.find((r) => url.pathname.startsWith(r.prefix as string));
    // One access line per request: the path only (query strings can hold OAuth codes); probes at debug.
    const started = performance.now();
    res.once('finish', () =>
      logger[PROBE_PATHS.has(url.pathname) ? 'debug' : 'info'](
        {
          requestId,
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'http request',
      ),
    );
    const run = async () => {
      if (!route) throw notFound(`No route for ${url.pathname}`, { path: url.pathname });
      if (!route.methods.includes(req.method ?? 'GET')) {
        const e = new GatewayError(
          ErrorCode.BAD_USER_INPUT,
          `${req.method} is not allowed on ${url.pathname}; use ${route.methods.join(' or ')}`,
        );
        sendJson(res, 405, httpErrorBody(e), { allow: route.methods.join(', ') });
        return;
      }
      const rest = route.prefix ? url.pathname.slice(route.prefix.length) : '';
      await route.handle({ req, res, url, requestId, rest });
    };
    // Every log line written while serving this request (even in the Gong transport) carries its id.
    runWithRequestId(requestId, run).catch((err: unknown) => {
      if (!(err instanceof GatewayError))
        logger.error({ err, requestId, path: url.pathname }, 'unexpected error in an HTTP route');
      sendError(res, err);
    });
  };
}
