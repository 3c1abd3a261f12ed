/**
 * What a WebSocket may cost before and after it authenticates. ws buffers a whole message before
 * graphql-ws sees it, so without bounds an anonymous peer could make the gateway hold 100 MiB per
 * socket (ws's default `maxPayload`) before `connection_init` is even checked. This module:
 * - caps unauthenticated sockets (over the cap: close 1013 "try again later" at once);
 * - terminates a socket still unauthenticated after the init timeout (graphql-ws closes 4408 on
 *   time, but a close handshake waits for a peer that may never answer);
 * - refuses browser upgrades from origins outside CORS_ORIGINS (when it is set);
 * - closes a socket with 4401 when the credential that authenticated it expires.
 * The message-size cap itself is ws's `maxPayload` (close 1009), set where the server is made.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { WsCloseCode } from '../close-codes.js';

/** setTimeout's longest delay; credentials that live longer are checked again at each operation. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WebSocketGuardOptions {
  /** WS_MAX_UNAUTHENTICATED_SOCKETS. */
  maxUnauthenticated: number;
  /** Hard limit for `connection_init` (graphql-ws's own timeout closes politely first). */
  initTimeoutMs: number;
  now?: () => number;
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
  /** The socket authenticated; `expiresAt` (ms) is when its credential stops being valid. */
  authenticated(socket: WebSocket, expiresAt?: number): void;
  /** Sockets accepted but not yet authenticated. */
  pending(): number;
}

export function guardWebSocketServer(
  wss: WebSocketServer,
  opts: WebSocketGuardOptions,
): WebSocketGuard {
  const now = opts.now ?? Date.now;
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
    authenticated(socket, expiresAt) {
      clearTimeout(waiting.get(socket));
      waiting.delete(socket);
      if (expiresAt === undefined) return;
      const expiry = setTimeout(
        () => socket.close(WsCloseCode.Unauthorized, 'The credential of this socket expired'),
        Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - now())),
      );
      socket.once('close', () => clearTimeout(expiry));
    },
    pending: () => waiting.size,
  };
}
