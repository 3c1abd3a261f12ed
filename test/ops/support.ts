/**
 * Helpers for the operations suites: Prometheus text parsing, polling without sleeps in tests, and
 * a real `src/main.ts` process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { eventually } from '../support/eventually.js';

/** The value of one sample, e.g. `sample(text, 'gong_gateway_graphql_operations_total', {operation: 'Calls'})`; 0 when absent. Sums matching series. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map(
      [...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) total += Number(m[4]);
  }
  return total;
}

/** The shared polling helper: an error thrown by the check fails at once. */
export { eventually };

export interface Started {
  proc: ChildProcess;
  graphqlUrl: string;
  sandboxUrl: string;
  exited: Promise<number | null>;
  output: () => string;
}

/** Runs `node --import tsx src/main.ts` on loopback and collects what it prints. */
export function spawnMain(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../..', import.meta.url),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      READ_MODEL: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  proc.stdout.on('data', (b: Buffer) => (out.stdout += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (out.stderr += b.toString()));
  // 'close', not 'exit': the exit code once every line it printed has been read.
  const exited = new Promise<number | null>((resolve) => proc.once('close', resolve));
  return { proc, out, exited };
}

/** Starts `node --import tsx src/main.ts` and reads the URLs it prints. */
export async function startMain(env: Record<string, string>): Promise<Started> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../..', import.meta.url),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', READ_MODEL: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>(
    (resolve) => proc.once('close', (code) => resolve(code)), // after its output was read
  );
  const urls = await eventually(
    () => {
      const g = /GraphQL: (http:\/\/\S+)/.exec(out)?.[1];
      const s = /embedded Gong sandbox at (http:\/\/\S+)/.exec(out)?.[1];
      return g && s ? { graphqlUrl: g, sandboxUrl: s } : undefined;
    },
    20_000,
    `main.ts to print its URLs; output so far:\n${out}`,
  );
  return { proc, ...urls, exited, output: () => out };
}
