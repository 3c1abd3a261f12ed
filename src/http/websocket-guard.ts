/**
 * What a WebSocket may cost before and after it authenticates. ws buffers a whole message before
 * graphql-ws sees it, so without bounds an anonymous peer could make the gateway hold 100 MiB per
 * socket (ws's default `maxPayload`) before `connection_init` is even checked. This module:
 * - caps unauthenticated sockets (over the cap: close 1013 "try again later" at once);
 * - terminates a socket still unauthenticated after the init timeout (graphql-ws closes 4408 on
 *   time, but a close handshake waits for a peer that may never answer);
 * - refuses browser upgrades from origins outside CORS_ORIGINS (when it is set).
 * (A credential's expiry closes its socket with 4401 through the operation pipeline's live operations.)
 * The message-size cap itself is ws's `maxPayload` (close 1009), set where the server is made.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { WsCloseCode } from '../close-codes.js';

export interface WebSocketGuardOptions {
  /** WS_MAX_UNAUTHENTICATED_SOCKETS. */
  maxUnauthenticated: number;
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
  const waiting = new Map<WebSocket, ReturnType<typeof setTimeout>>();

  wss.on('connection', (socket: WebSocket) => {
    if (waiting.size >= opts.maxUnauthenticated) {
      socket.close(WsCloseCode.TryAgainLater, 'Too many unauthenticated sockets; try again later');
      // No close handshake owed to a peer we refused: free the socket now.
      setImmediate(() => socket.terminate());
      return;
    }
    const timer = setTimeout(() => socket.terminate(), opts.initTimeoutMs + 1_000);
    waiting.set(socket, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      waiting.delete(socket);
    });
  });

  return {
    authenticated(socket) {
      clearTimeout(waiting.get(socket));
      waiting.delete(socket);
    },
    pending: () => waiting.size,
  };
}
