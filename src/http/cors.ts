/**
 * CORS for browsers: only the origins in CORS_ORIGINS (none by default). Wraps the router so
 * preflights are answered before routing. No `Access-Control-Allow-Credentials`: the gateway
 * takes credentials from the Authorization header only, never from cookies.
 */
import type { RequestListener } from 'node:http';

/**
 * Every header a first-party client sends by default: Apollo Client (`accept` with a quoted
 * `subscriptionSpec`, which is not CORS-safelisted; clientAwareness' `apollographql-client-*`),
 * urql and graphql-sse (`accept`, the SSE reservation token), Hive/GraphQL client identification,
 * and the trace context that OpenTelemetry's web SDK and Sentry add to every fetch.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'x-gong-connection',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'graphql-client-name',
  'graphql-client-version',
  'x-graphql-event-stream-token',
  'x-request-id',
  'traceparent',
  'tracestate',
  'baggage',
  'sentry-trace',
].join(', ');
// DELETE: graphql-sse's single-connection mode stops an operation with it.
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';

export function withCors(
  next: RequestListener,
  opts: { origins: string[]; maxAgeSeconds?: number },
): RequestListener {
  const allowed = new Set(opts.origins.map((o) => new URL(o).origin));
  return (req, res) => {
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    const ok = typeof origin === 'string' && allowed.has(origin);
    if (
      req.method === 'OPTIONS' &&
      typeof origin === 'string' &&
      req.headers['access-control-request-method'] !== undefined
    ) {
      if (!ok) {
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({
            error: { code: 'FORBIDDEN', message: `Origin ${origin} is not in CORS_ORIGINS` },
          }),
        );
        return;
      }
      res.writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': CORS_ALLOWED_HEADERS,
        'access-control-max-age': String(opts.maxAgeSeconds ?? 600),
      });
      res.end();
      return;
    }
    if (ok) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-request-id, retry-after, www-authenticate');
    }
    next(req, res);
  };
}
