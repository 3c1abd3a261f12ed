/**
 * Where logs go by default: stdout, written asynchronously with a bounded buffer. pino's default
 * destination writes synchronously and, when the reader of stdout stops reading or goes away (a
 * log shipper restarting, a parent exiting), retries each write in a sleep loop on the main
 * thread: SIGTERM, SHUTDOWN_TIMEOUT_MS and a second signal then never get to run. Here a slow
 * reader costs at most `maxBufferBytes` (later lines are dropped), a broken one drops every line,
 * and neither ever blocks the event loop.
 */
import sonicBoom from 'sonic-boom';
import type { DestinationStream } from 'pino';

// A CommonJS module whose class is both module.exports and its SonicBoom property.
const { SonicBoom } = sonicBoom;

export interface LogDestination extends DestinationStream {
  /** Calls back once the buffer is written, or at once when the destination is broken. */
  flush(cb: (err?: Error) => void): void;
  /** Whether the destination failed (EPIPE and the like): lines are dropped from then on. */
  broken(): boolean;
}

export function stdoutDestination(
  opts: { fd?: number; maxBufferBytes?: number } = {},
): LogDestination {
  let broken = false;
  // Async writes: a full pipe (EAGAIN) is retried on a timer, never in a blocking sleep.
  const stream = new SonicBoom({
    fd: opts.fd ?? 1,
    sync: false,
    maxLength: opts.maxBufferBytes ?? 4 * 1024 * 1024,
  });
  stream.on('error', () => {
    broken = true;
  });
  return {
    write(line: string) {
      if (!broken) stream.write(line);
    },
    flush(cb) {
      if (broken) return cb();
      stream.flush((err?: Error) => cb(err));
    },
    broken: () => broken,
  };
}
