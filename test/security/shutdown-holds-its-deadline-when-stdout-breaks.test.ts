/**
 * Shutdown hung forever when the reader of stdout went away (a log shipper restarting, a parent
 * exiting): every log write failed, the logger retried synchronously on the main thread, and
 * neither SHUTDOWN_TIMEOUT_MS nor a second signal could run. Reproduced with a real process whose
 * stdout is a pipe we stop reading and close, then SIGTERM.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('a broken log destination', () => {
  it('never blocks the event loop: SIGTERM still exits', async () => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/security/fixtures/logging-server.ts'],
      {
        cwd: new URL('../..', import.meta.url),
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          SHUTDOWN_TIMEOUT_MS: '2000',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      proc.once('exit', (code) => resolve(code)),
    );
    try {
      await new Promise<void>((resolve) => {
        let out = '';
        const onData = (b: Buffer) => {
          out += b.toString();
          if (out.includes('"msg":"ready"')) {
            proc.stdout.off('data', onData);
            resolve();
          }
        };
        proc.stdout.on('data', onData);
      });
      // The reader goes away: from now on every write to stdout fails.
      proc.stdout.destroy();
      proc.kill('SIGTERM');
      const code = await exited;
      expect([0, 1]).toContain(code);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 20_000);
});
