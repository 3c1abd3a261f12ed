/**
 * Small helpers every route uses: JSON replies, error replies (a GatewayError becomes its HTTP
 * status and `{error:{code,message,...details}}`; anything else a masked 500) and bounded body
 * reading (413 above the limit, before the whole body is buffered).
 */
import { readBoundedBody } from './bounded-body.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError, httpErrorBody, httpStatusOf } from '../errors.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Replies with an error. Non-GatewayErrors are masked: no message, no stack. */
export function sendError(res: ServerResponse, error: unknown): void {
  const e =
    error instanceof GatewayError
      ? error
      : new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (e.code === ErrorCode.UPSTREAM_RATE_LIMITED && typeof e.details.retryAfter === 'number')
    headers['retry-after'] = String(e.details.retryAfter);
  // RFC 9110: a 401 names its scheme; clients' credentials are Bearer tokens (API keys or JWTs).
  if (e.code === ErrorCode.UNAUTHENTICATED)
    headers['www-authenticate'] = 'Bearer realm="gong-gateway"';
  // A body left unread (too large, too slow) must not be parsed as the connection's next request.
  if (e.code === ErrorCode.PAYLOAD_TOO_LARGE || e.code === ErrorCode.REQUEST_TIMEOUT)
    headers.connection = 'close';
  sendJson(res, httpStatusOf[e.code], httpErrorBody(e), headers);
}

/** How long a request body may take: the silence between two chunks, and the whole body. */
export interface BodyDeadlines {
  idleMs: number;
  totalMs: number;
}

/** HTTP_BODY_IDLE_MS and HTTP_BODY_DEADLINE_MS's defaults. */
export const DEFAULT_BODY_DEADLINES: BodyDeadlines = { idleMs: 10_000, totalMs: 60_000 };

/**
 * Reads the whole body: PAYLOAD_TOO_LARGE once it passes `limit` bytes, REQUEST_TIMEOUT when it
 * stalls or trickles past its deadlines (an authenticated client still must not hold a buffer for
 * the server's request timeout), BAD_USER_INPUT when the client goes away mid-body.
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  deadlines: BodyDeadlines = DEFAULT_BODY_DEADLINES,
): Promise<Buffer> {
  const read = await readBoundedBody(req, { maxBytes: limit, ...deadlines });
  if (read.ok) return read.body;
  if (read.reason === 'too_large') throw tooLarge(limit);
  if (read.reason === 'timeout')
    throw new GatewayError(
      ErrorCode.REQUEST_TIMEOUT,
      `The request body did not arrive in time (at most ${deadlines.idleMs} ms between chunks and ${deadlines.totalMs} ms in all)`,
    );
  throw new GatewayError(
    ErrorCode.BAD_USER_INPUT,
    'The client closed the request before its body arrived',
  );
}

const tooLarge = (limit: number) =>
  new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE, `The request body may be at most ${limit} bytes`, {
    limit,
  });
