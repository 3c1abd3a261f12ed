/**
 * Shared by the proxy and media routes: which client headers may go to Gong, and how Gong's raw
 * answer goes back (status, body and the headers that matter, streamed as it arrives).
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { RawAnswer } from '../gong/attempt.js';
import type { Logger } from '../observability/logger.js';

/**
 * Never forwarded: hop-by-hop headers (RFC 9110 §7.6.1), cookies, the client's credentials (the
 * transport injects the connection's), and the gateway's own headers. `accept-encoding` is dropped
 * because fetch decompresses, which would make Gong's content-length wrong for the client.
 */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'cookie',
  'set-cookie',
  'authorization',
  'host',
  'accept-encoding',
  'x-gong-connection',
  'x-request-id',
  'content-length',
]);

/** The client's headers that may go to Gong (`content-length` is the caller's decision). */
export function forwardableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0),
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined || DROPPED.has(name) || named.has(name) || name.startsWith('proxy-'))
      continue;
    out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * Writes Gong's answer to the client: status, body, `content-type`, `retry-after`, and
 * `content-length` when the body is passed on as Gong encoded it. Never throws: a body that
 * breaks off mid-way ends the client's response abruptly (the status line is already sent).
 */
export async function relayAnswer(
  answer: RawAnswer,
  res: ServerResponse,
  logger?: Logger,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const h of ['content-type', 'retry-after']) {
    const v = answer.headers[h];
    if (v !== undefined) headers[h] = v;
  }
  const length = answer.headers['content-length'];
  if (length !== undefined && answer.headers['content-encoding'] === undefined)
    headers['content-length'] = length;
  res.writeHead(answer.status, headers);
  if (answer.body === null) {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.fromWeb(answer.body as NodeReadableStream<Uint8Array>), res);
  } catch (err) {
    logger?.warn(
      { err, status: answer.status },
      "Gong's answer broke off while it was relayed to the client",
    );
    res.destroy();
  }
}
