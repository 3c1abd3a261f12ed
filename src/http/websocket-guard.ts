/**
 * What a WebSocket may cost before and after it authenticates. ws buffers a whole message before
 * graphql-ws sees it, so without bounds an anonymous peer could make the gateway hold 100 MiB per
 * socket (ws's default `maxPayload`) before `connection_init` is even checked. This module:
 * - caps unauthenticated sockets, in all and per peer address (over a cap: close 1013 "try again
 *   later" at once), so one anonymous client cannot lock everyone else out; behind proxies the
 *   peer is read from X-Forwarded-For, `trustProxy` hops from its right (./client-address.ts);
 * - terminates a socket still unauthenticated after the init timeout (graphql-ws closes 4408 on
 *   time, but a close handshake waits for a peer that may never answer);
 * - refuses browser upgrades from origins outside CORS_ORIGINS (when it is set).
 * (A credential's expiry closes its socket with 4401 through the operation pipeline's live operations.)
 * The message-size cap itself is ws's `maxPayload` (close 1009), set where the server is made.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { WsCloseCode } from '../close-codes.js';
import { clientAddress } from './client-address.js';

export interface WebSocketGuardOptions {
  /** WS_MAX_UNAUTHENTICATED_SOCKETS. */
  maxUnauthenticated: number;
  /** WS_MAX_UNAUTHENTICATED_PER_PEER. @default maxUnauthenticated */
  maxUnauthenticatedPerPeer?: number;
  /** TRUST_PROXY: proxies in front that append to X-Forwarded-For. @default 0 */
  trustProxy?: number;
  /** Hard limit for `connection_init` (graphql-ws's own timeout closes politely first). */
  initTimeoutMs: number;
}

/**
 * For `new WebSocketServer({ verifyClient })`: with CORS_ORIGINS set, a browser (which always sends
 * Origin) from another origin gets 401 instead of an upgrade; clients without Origin are not browsers.
 */
export function verifyOrigin(
  allowedOrigins: readonly string[],
): (info: { origin: string; req: IncomingMessage }) => boolean {
  const origins = new Set(allowedOrigins.map((o) => o.replace(/\/+$/, '')));
  return ({ origin }) =>
    origins.size === 0 || origin === undefined || origin === '' || origins.has(origin);
}

export interface WebSocketGuard {
  /** The socket authenticated: it no longer counts as waiting. */
  authenticated(socket: WebSocket): void;
  /** Sockets accepted but not yet authenticated. */
  pending(): number;
}

export function guardWebSocketServer(
  wss: WebSocketServer,
  opts: WebSocketGuardOptions,
): WebSocketGuard {
  const waiting = new Map<WebSocket, { timer: ReturnType<typeof setTimeout>; peer: string }>();
  const perPeer = new Map<string, number>();
  const perPeerMax = opts.maxUnauthenticatedPerPeer ?? opts.maxUnauthenticated;
  const release = (socket: WebSocket) => {
    const w = waiting.get(socket);
    if (!w) return;
    clearTimeout(w.timer);
    waiting.delete(socket);
    const n = (perPeer.get(w.peer) ?? 1) - 1;
    if (n <= 0) perPeer.delete(w.peer);
    else perPeer.set(w.peer, n);
  };

  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const peer = clientAddress(req, opts.trustProxy ?? 0);
    if (waiting.size >= opts.maxUnauthenticated || (perPeer.get(peer) ?? 0) >= perPeerMax) {
      socket.close(WsCloseCode.TryAgainLater, 'Too many unauthenticated sockets; try again later');
      // No close handshake owed to a peer we refused: free the socket now.
      setImmediate(() => socket.terminate());
      return;
    }
    const timer = setTimeout(() => socket.terminate(), opts.initTimeoutMs + 1_000);
    waiting.set(socket, { timer, peer });
    perPeer.set(peer, (perPeer.get(peer) ?? 0) + 1);
    socket.once('close', () => release(socket));
  });

  return {
    authenticated: release,
    pending: () => waiting.size,
  };
}
