/** The gateway's Node HTTP server over the route table (graphql-ws attaches to the same server). */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../observability/logger.js';
import { ErrorCode } from '../errors.js';
import { withCors } from './cors.js';
import { createRouter, type Route } from './router.js';

export function createHttpServer(
  routes: readonly Route[],
  logger: Logger,
  opts: { corsOrigins: string[] } = { corsOrigins: [] },
): Server {
  const server = createServer(
    withCors(createRouter(routes, logger), { origins: opts.corsOrigins }),
  );
  // Slow headers must not hold sockets (slowloris); whole requests may be long: a 1.5 GB media
  // upload streams through /calls/:id/media, so the body deadline is generous, not 60 s.
  server.headersTimeout = 30_000;
  server.requestTimeout = 30 * 60_000;
  server.on('clientError', answerClientError);
  return server;
}

/** Requests Node's parser refuses (oversized headers or URL, bad framing) get a JSON error too, like every route. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({
    error: {
      code: ErrorCode.BAD_USER_INPUT,
      message: `${reason}: the request could not be parsed`,
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Listens and resolves with the bound port (0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** Stops accepting, closes idle keep-alive sockets, then the rest. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}
