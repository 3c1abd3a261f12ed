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
  // Bytes handed to the stream and not yet written: sonic-boom's own flush(cb) calls back at once
  // when minLength is 0 (as here), before its pending async write lands, so the last lines before
  // an exit were lost; flush waits for this to reach 0 instead.
  let pending = 0;
  const settled = new Set<() => void>();
  const settle = () => {
    if (pending > 0 && !broken) return;
    for (const done of settled) done();
    settled.clear();
  };
  stream.on('error', () => {
    broken = true;
    settle();
  });
  stream.on('write', (n: number) => {
    pending = Math.max(0, pending - n);
    settle();
  });
  stream.on('drop', (data: string) => {
    pending = Math.max(0, pending - Buffer.byteLength(data));
    settle();
  });
  return {
    write(line: string) {
      if (broken) return;
      pending += Buffer.byteLength(line);
      stream.write(line);
    },
    flush(cb) {
      if (broken || pending === 0) return cb();
      settled.add(() => cb());
    },
    broken: () => broken,
  };
}
