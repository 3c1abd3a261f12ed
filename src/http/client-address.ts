/**
 * The address of the client behind a request. Without proxies (TRUST_PROXY=0) it is the socket's
 * own; X-Forwarded-For is ignored, since any client can send it. With `trustProxy` proxies in
 * front, each appending the address it received from to X-Forwarded-For, the client is the entry
 * `trustProxy` hops from the right of `[...X-Forwarded-For, socket address]` (the leftmost when
 * the header is shorter): entries further left were written by the client and are not trusted.
 */
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const own = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return own;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const chain = [...forwarded, own];
  return chain[Math.max(0, chain.length - 1 - trustProxy)] ?? own;
}
