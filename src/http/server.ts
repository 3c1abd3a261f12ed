/** The gateway's Node HTTP server over the route table (graphql-ws attaches to the same server). */
import { createServer, type Server } from 'node:http';
import type { Logger } from '../observability/logger.js';
import { createRouter, type Route } from './router.js';

export function createHttpServer(routes: readonly Route[], logger: Logger): Server {
  const server = createServer(createRouter(routes, logger));
  // Slow clients must not hold sockets forever; long polls are not a thing here.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  return server;
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
