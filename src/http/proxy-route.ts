/**
 * `/proxy/v2/...` (any of GET, POST, PUT, PATCH, DELETE): Gong endpoints the schema does not model,
 * as Ampersand's Proxy action allows. The request goes to the connection's Gong base URL + the
 * path after `/proxy`, query unchanged, through the connection's transport (shared rate budget,
 * token refresh, circuit breaker), with the client's Authorization replaced by the connection's
 * credentials. Gong's status, body, `content-type`, `retry-after` and `content-length` come back
 * unchanged. Client auth and connection choice (`x-gong-connection`) are those of GraphQL.
 *
 * Bodies up to SMALL_BODY_BYTES are read first so they can be sent again (after a 401 refresh or
 * a 429); larger or chunked bodies stream through and are sent once.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthenticateRequest } from '../graphql/context.js';
import { badInput } from '../errors.js';
import type { ConnectionTransport, RawGongRequest } from '../gong/transport.js';
import type { Logger } from '../observability/logger.js';
import { forwardableHeaders, relayAnswer } from './relay-answer.js';
import { readBody, type BodyDeadlines } from './respond.js';
import type { Route } from './router.js';

export const PROXY_PREFIX = '/proxy/';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
/** Gong's JSON request bodies are small; these are buffered so retries can resend them. */
export const SMALL_BODY_BYTES = 1024 * 1024;
/**
 * Methods whose bodies node:http does not frame: a body on them would reach Gong as raw bytes on
 * a keep-alive socket and be parsed as the start of the next request (request smuggling).
 */
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);

export interface ProxyRouteOptions {
  authenticate: AuthenticateRequest;
  transport(connectionRef: string): ConnectionTransport;
  logger?: Logger;
  /** HTTP_BODY_IDLE_MS / HTTP_BODY_DEADLINE_MS for the small bodies read whole. */
  bodyDeadlines?: BodyDeadlines | undefined;
}

/** The Gong path for `rest` (what follows `/proxy/`); only `/v2/...` paths, no dot segments. */
export function gongPathOf(rest: string): string {
  const segments = rest.split('/');
  const bad = segments.some((s, i) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      return true;
    }
    return (
      decoded === '.' ||
      decoded === '..' ||
      /[/\\]/.test(decoded) ||
      (s === '' && i !== segments.length - 1)
    );
  });
  if (segments[0] !== 'v2' || segments.length < 2 || segments[1] === '' || bad)
    throw badInput(
      `The proxy forwards Gong API paths only: /proxy/v2/<endpoint>, e.g. /proxy/v2/users, but got: /proxy/${rest.slice(0, 200)}`,
      { field: 'path' },
    );
  return `/${rest}`;
}

function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const n = Number(req.headers['content-length'] ?? 0);
  return Number.isFinite(n) && n > 0;
}

async function bodyOf(
  req: IncomingMessage,
  headers: Record<string, string>,
  deadlines: BodyDeadlines | undefined,
): Promise<RawGongRequest['body']> {
  if (!hasBody(req)) return undefined;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared <= SMALL_BODY_BYTES) {
    const buf = await readBody(req, SMALL_BODY_BYTES, deadlines);
    headers['content-length'] = String(buf.length);
    return buf;
  }
  if (Number.isFinite(declared)) headers['content-length'] = String(declared);
  return req;
}

export function proxyRoute(opts: ProxyRouteOptions): Route {
  return {
    prefix: PROXY_PREFIX,
    methods: METHODS,
    async handle({ req, res, url, rest }) {
      const path = gongPathOf(rest);
      if (BODYLESS_METHODS.has(req.method ?? 'GET') && hasBody(req)) {
        // The body is never read: close the client's connection after the answer.
        res.setHeader('connection', 'close');
        throw badInput(
          `A ${req.method} request through the proxy must not carry a body (Gong ignores it and it cannot be framed)`,
          { field: 'body' },
        );
      }
      const principal = await opts.authenticate({ headers: req.headers });
      const headers = forwardableHeaders(req.headers);
      const body = await bodyOf(req, headers, opts.bodyDeadlines);
      // The client going away cancels the upstream request (and frees the connection's slot).
      const ac = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) ac.abort(new Error('client closed the connection'));
      });
      const answer = await opts.transport(principal.connectionRef).requestRaw({
        method: req.method as Method,
        // The raw query goes along untouched (order, repeated keys): urlOf appends nothing else.
        path: `${path}${url.search}`,
        headers,
        body,
        endpoint: 'proxy',
        signal: ac.signal,
      });
      await relayAnswer(answer, res, opts.logger);
    },
  };
}
