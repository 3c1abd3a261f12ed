/**
 * The sandbox's two HTTP listeners: `api` (like https://api.gong.io; also /oauth2/* and the
 * /__sandbox/ control API) and `tenant` (the tenant's api_base_url_for_customer). Every /v2/
 * request runs the same pipeline: request log → fault injection → auth (per-endpoint scopes) →
 * rate limit → route. Every reply carries a requestId; every 4xx/5xx is Gong's ErrorResponse.
 * OAuth requests are logged too, without their body or secret parameters. Internal to the sandbox.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiContext, ApiRoute } from './api.js';
import type { SandboxAuth } from './auth.js';
import type { FaultInjector } from './faults.js';
import { isGongHttpError } from './gong-answers.js';
import type { SandboxReply, SandboxRequest } from './http.js';
import { newRequestId } from './random.js';
import type { SandboxRateLimiter } from './rate-limit.js';
import type { RequestLog } from './request-log.js';
import type { RequestLogEntry } from './types.js';

/** JSON bodies above this are refused (413): Gong's JSON endpoints take small bodies. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;

export interface ServerDeps {
  routes: ApiRoute[];
  /** Per-request context; `note` adds facts to the request's log entry. */
  context: (now: number, note: (extra: Partial<RequestLogEntry>) => void) => ApiContext;
  auth: SandboxAuth;
  rateLimiter: SandboxRateLimiter | undefined;
  faults: FaultInjector;
  log: RequestLog;
  now: () => number;
  oauth: { authorize(req: SandboxRequest): SandboxReply; token(req: SandboxRequest): SandboxReply };
  control: (req: SandboxRequest) => Promise<SandboxReply>;
}

export interface RunningServers {
  url: string;
  tenantUrl: string;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_JSON_BYTES) throw new BodyTooLarge();
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, reply: SandboxReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (typeof reply.body === 'string') payload = reply.body;
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Gong's ErrorResponse. */
const errorReply = (
  status: number,
  messages: string[],
  headers?: Record<string, string>,
): SandboxReply => ({ status, body: { errors: messages }, ...(headers ? { headers } : {}) });

/**
 * Query parameters of the OAuth endpoints a log may keep. An allowlist, so codes, refresh tokens,
 * client secrets, `state` and any parameter a client invents never reach the log.
 */
const LOGGABLE_OAUTH_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'grant_type',
]);

function authKindOf(header: string | undefined): string {
  const scheme = header?.trim().split(/\s+/)[0]?.toLowerCase();
  return scheme === 'basic' || scheme === 'bearer' ? scheme : 'none';
}

export function createHandler(deps: ServerDeps, listener: 'api' | 'tenant') {
  const matchRoute = (
    method: string,
    path: string,
  ): { route: ApiRoute; params: Record<string, string> } | 'method' | undefined => {
    let pathMatched = false;
    for (const route of deps.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method === method) return { route, params: { ...m.groups } };
      pathMatched = true;
    }
    return pathMatched ? 'method' : undefined;
  };

  async function api(
    req: IncomingMessage,
    res: ServerResponse,
    sreq: SandboxRequest,
    at: number,
  ): Promise<void> {
    const requestId = newRequestId();
    const found = matchRoute(sreq.method, sreq.path);
    const route = typeof found === 'object' ? found : undefined;
    const entry: RequestLogEntry = {
      at,
      method: sreq.method,
      path: sreq.path,
      endpoint: route?.route.label ?? `${sreq.method} ${sreq.path}`,
      status: 0,
      auth: authKindOf(req.headers.authorization),
      listener,
      query: Object.fromEntries(sreq.query),
      ...(typeof req.headers.traceparent === 'string'
        ? { traceparent: req.headers.traceparent }
        : {}),
    };
    const finish = (reply: SandboxReply) => {
      entry.status = reply.status;
      deps.log.record(entry);
      if (!req.readableEnded) req.resume(); // drain an unread upload so the connection stays usable
      const body =
        reply.body !== null && typeof reply.body === 'object' && !Array.isArray(reply.body)
          ? { requestId, ...reply.body }
          : reply.body;
      send(res, { ...reply, body });
    };
    try {
      if (!route?.route.streaming) {
        sreq.rawBody = await readBody(req);
        sreq.json = parseJson(sreq.rawBody);
        if (sreq.json !== undefined) entry.body = sreq.json;
      }
      let lostAnswer: number | undefined;
      for (const fault of deps.faults.pick(sreq.path)) {
        if (fault.type === 'lost-answer') lostAnswer = fault.status;
        else if (fault.type === 'latency') await sleep(fault.ms);
        else if (fault.type === 'reset') {
          deps.log.record(entry);
          req.socket.destroy();
          return;
        } else if (fault.type === 'malformed') {
          entry.status = 200;
          deps.log.record(entry);
          send(res, {
            status: 200,
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: `{"requestId":"${requestId}","records":{"totalRecords":`,
          });
          return;
        } else {
          const headers =
            fault.status === 429
              ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) }
              : undefined;
          const message =
            fault.status === 429
              ? 'API request rate limit exceeded (injected fault)'
              : `Injected fault: HTTP ${fault.status}`;
          return finish(errorReply(fault.status, [message], headers));
        }
      }
      const check = deps.auth.check(
        req.headers.authorization,
        listener,
        route ? route.route.scopes(sreq) : [],
      );
      if (!check.ok) return finish(errorReply(check.status, [check.message]));
      entry.auth = check.kind;
      const rate = deps.rateLimiter?.take();
      if (rate && !rate.ok)
        return finish(
          errorReply(429, [rate.message], { 'retry-after': String(rate.retryAfterSeconds) }),
        );
      if (found === 'method')
        return finish(
          errorReply(405, [`Request method '${sreq.method}' is not supported for ${sreq.path}`]),
        );
      if (!route) return finish(errorReply(404, [`No endpoint ${sreq.method} ${sreq.path}`]));
      const ctx = deps.context(at, (extra) => Object.assign(entry, extra));
      const reply = await route.route.handle(sreq, ctx, route.params, req);
      finish(
        lostAnswer === undefined
          ? reply
          : errorReply(lostAnswer, [`Injected fault: HTTP ${lostAnswer} after handling`]),
      );
    } catch (e) {
      if (e instanceof BodyTooLarge)
        return finish(errorReply(413, [`Request body exceeds ${MAX_JSON_BYTES} bytes`]));
      if (isGongHttpError(e)) return finish(errorReply(e.status, e.messages));
      finish(
        errorReply(500, [`Internal sandbox error: ${e instanceof Error ? e.message : String(e)}`]),
      );
    }
  }

  /** Logs an OAuth request (no body: it can carry codes and tokens) and sends its reply. */
  function oauth(
    req: IncomingMessage,
    res: ServerResponse,
    sreq: SandboxRequest,
    at: number,
    reply: SandboxReply,
  ): void {
    deps.log.record({
      at,
      method: sreq.method,
      path: sreq.path,
      endpoint: `${sreq.method} ${sreq.path}`,
      status: reply.status,
      auth: authKindOf(req.headers.authorization),
      listener,
      query: Object.fromEntries([...sreq.query].filter(([k]) => LOGGABLE_OAUTH_PARAMS.has(k))),
    });
    send(res, reply);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const at = deps.now();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const sreq: SandboxRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      listener,
      rawBody: Buffer.alloc(0),
    };
    const path = url.pathname;
    const run = async (): Promise<void> => {
      if (path === '/v2' || path.startsWith('/v2/')) return api(req, res, sreq, at);
      if (listener === 'api' && (path.startsWith('/oauth2/') || path.startsWith('/__sandbox/'))) {
        sreq.rawBody = await readBody(req);
        sreq.json = parseJson(sreq.rawBody);
        if (path === '/oauth2/authorize' && sreq.method === 'GET')
          return oauth(req, res, sreq, at, deps.oauth.authorize(sreq));
        if (path === '/oauth2/generate-customer-token' && sreq.method === 'POST')
          return oauth(req, res, sreq, at, deps.oauth.token(sreq));
        if (path.startsWith('/__sandbox/')) return send(res, await deps.control(sreq));
      }
      send(res, {
        status: 404,
        body: {
          requestId: newRequestId(),
          errors: [`No endpoint ${sreq.method} ${path} on the ${listener} listener`],
        },
      });
    };
    run().catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = e instanceof BodyTooLarge ? 413 : 500;
      send(res, {
        status,
        body: { requestId: newRequestId(), errors: [e instanceof Error ? e.message : String(e)] },
      });
    });
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts both listeners: `api` on `port` (0 = free), `tenant` on a free port. */
export async function startServers(
  deps: ServerDeps,
  host: string,
  port: number,
  tenantPort = 0,
): Promise<RunningServers> {
  const apiServer = createServer({ keepAliveTimeout: 10_000 }, createHandler(deps, 'api'));
  const tenantServer = createServer({ keepAliveTimeout: 10_000 }, createHandler(deps, 'tenant'));
  const apiPort = await listen(apiServer, host, port);
  const tPort = await listen(tenantServer, host, tenantPort).catch((e: unknown) => {
    apiServer.close();
    throw e;
  });
  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  return {
    url: `http://${host}:${apiPort}`,
    tenantUrl: `http://${host}:${tPort}`,
    close: async () => {
      await Promise.all([close(apiServer), close(tenantServer)]);
    },
  };
}
