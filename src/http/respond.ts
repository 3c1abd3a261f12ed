/**
 * Small helpers every route uses: JSON replies, error replies (a GatewayError becomes its HTTP
 * status and `{error:{code,message,...details}}`; anything else a masked 500) and bounded body
 * reading (413 above the limit, before the whole body is buffered).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError, httpErrorBody, httpStatusOf } from '../errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Replies with an error. Non-GatewayErrors are masked: no message, no stack. */
export function sendError(res: ServerResponse, error: unknown): void {
  const e = error instanceof GatewayError ? error : new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (e.code === ErrorCode.UPSTREAM_RATE_LIMITED && typeof e.details.retryAfter === 'number') headers['retry-after'] = String(e.details.retryAfter);
  // RFC 9110: a 401 names its scheme; clients' credentials are Bearer tokens (API keys or JWTs).
  if (e.code === ErrorCode.UNAUTHENTICATED) headers['www-authenticate'] = 'Bearer realm="gong-gateway"';
  sendJson(res, httpStatusOf[e.code], httpErrorBody(e), headers);
}

/** Reads the whole body, failing with PAYLOAD_TOO_LARGE once it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, declared);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw tooLarge(limit, size);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (limit: number, got: number) =>
  new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE, `The request body may be at most ${limit} bytes, but got at least ${got}`, { limit });
