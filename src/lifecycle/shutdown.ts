/**
 * Graceful shutdown on SIGTERM/SIGINT/SIGHUP, in the order a load balancer and clients expect:
 * 1. stop accepting connections (`server.close()`; idle keep-alive sockets are closed), and end
 *    the SSE and multipart streams with the last message their clients understand (`goingAway`:
 *    a SHUTTING_DOWN error): they would otherwise never let the drain finish;
 * 2. let in-flight HTTP requests finish (counted from the moment `createShutdown` was called);
 * 3. `close()`: the gateway closes every WebSocket with 1001 "Going away" (graphql-ws `dispose()`)
 *    so clients reconnect to another replica and resume with `after`, stops its timers (poller,
 *    event-log tail, schedulers) and quits its Redis clients; then the embedded sandbox;
 * 4. flush the logger and exit 0.
 * A hard deadline (SHUTDOWN_TIMEOUT_MS) exits 1 if any step hangs; a second signal exits 1 at once.
 */
import type { Server } from 'node:http';
import type { Logger } from '../observability/logger.js';

export interface ShutdownOptions {
  /** The HTTP server to drain (the gateway's). */
  server: Server;
  /** Ends streams and subscriptions with their protocol's last word (`gateway.goingAway()`). */
  goingAway?: () => void;
  /** Releases everything else once HTTP is drained: `gateway.close()`, then the sandbox. */
  close(): Promise<void>;
  logger: Logger;
  /** SHUTDOWN_TIMEOUT_MS: after this, exit 1 whatever is still running. */
  timeoutMs: number;
  /** @default process.exit */
  exit?: (code: number) => void;
}

export interface Shutdown {
  /** Requests being served right now. */
  inFlight(): number;
  /** Runs the sequence once (later calls return the same promise); resolves with the exit code it used. */
  shutdown(reason: string): Promise<number>;
}

/** Counts requests from 'request' to the response's 'close' (finished or aborted). */
function trackInFlight(server: Server): { count(): number; drained(): Promise<void> } {
  let n = 0;
  let waiters: (() => void)[] = [];
  server.on('request', (_req, res) => {
    n += 1;
    res.once('close', () => {
      n -= 1;
      if (n === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    });
  });
  return {
    count: () => n,
    drained: () =>
      n === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

const flush = (logger: Logger) => new Promise<void>((resolve) => logger.flush(() => resolve()));

export function createShutdown(opts: ShutdownOptions): Shutdown {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const tracker = trackInFlight(opts.server);
  let running: Promise<number> | undefined;

  const sequence = async (reason: string): Promise<number> => {
    const log = opts.logger.child({ shutdown: reason });
    log.info(
      { inFlight: tracker.count(), timeoutMs: opts.timeoutMs },
      'shutting down: no new connections, draining in-flight requests',
    );
    const deadline = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), opts.timeoutMs).unref(),
    );
    const steps = (async () => {
      opts.server.close();
      opts.server.closeIdleConnections();
      opts.goingAway?.();
      await tracker.drained();
      log.info('in-flight requests done; closing WebSockets (1001), timers and stores');
      await opts.close();
      return 'done' as const;
    })();
    let code: number;
    try {
      code = (await Promise.race([steps, deadline])) === 'done' ? 0 : 1;
      if (code === 1)
        log.error(
          { inFlight: tracker.count() },
          `shutdown did not finish within SHUTDOWN_TIMEOUT_MS (${opts.timeoutMs} ms); exiting with 1`,
        );
      else log.info('shutdown complete');
    } catch (err) {
      log.error({ err }, 'shutdown failed; exiting with 1');
      code = 1;
    }
    await Promise.race([flush(opts.logger), new Promise((r) => setTimeout(r, 1_000).unref())]);
    exit(code);
    return code;
  };

  return {
    inFlight: () => tracker.count(),
    shutdown(reason) {
      running ??= sequence(reason);
      return running;
    },
  };
}

/**
 * Installs SIGTERM, SIGINT and SIGHUP: the first starts `shutdown`, a second one exits 1
 * immediately. SIGHUP (a closed terminal, some supervisors' stop) drains like the others, where
 * Node's default would exit at once; configuration is read once, so there is nothing to reload.
 */
export function installSignalHandlers(
  s: Shutdown,
  opts: { logger: Logger; exit?: (code: number) => void; signals?: readonly NodeJS.Signals[] },
): void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let received = false;
  for (const signal of opts.signals ?? (['SIGTERM', 'SIGINT', 'SIGHUP'] as const)) {
    process.on(signal, () => {
      if (received) {
        opts.logger.warn({ signal }, 'second signal during shutdown; exiting with 1 now');
        exit(1);
        return;
      }
      received = true;
      void s.shutdown(signal);
    });
  }
}
