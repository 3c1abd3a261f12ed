/**
 * The gateway as a process, for tests that need one (signals, stdout, two instances): `node
 * dist/main.js`, exactly `npm start`'s entry point, built once by scripts/build-cached.mjs and
 * reused while src/ is unchanged. The environment is only what the test gives (plus PATH, HOME,
 * and READ_MODEL=off unless given).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds dist/ when src/ changed since the last build; returns dist/main.js. */
export function builtMain(): string {
  const r = spawnSync(process.execPath, ['scripts/build-cached.mjs'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
  return `${root}dist/main.js`;
}

export interface GatewayProcess {
  proc: ChildProcess;
  /** The GraphQL URL it printed. */
  url: string;
  /** The embedded sandbox's URL, when it serves one. */
  sandboxUrl: string | undefined;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code (null after a signal), once its output has ended too. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `ms`; resolves once it exited. */
  stop(ms?: number): Promise<void>;
}

/** What a process run to its end printed: both streams interleaved, and each alone. */
export interface RunOutput {
  code: number | null;
  output: string;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/main.js` with `env` until it exits (configuration refusals). */
export function runMain(env: Record<string, string>): Promise<RunOutput> {
  const proc = spawnMain(env);
  const out = { output: '', stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const)
    proc[stream]?.on('data', (b: Buffer) => {
      out.output += b.toString();
      out[stream] += b.toString();
    });
  // 'close' comes after the output streams ended: nothing written before exit is missed.
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, ...out })));
}

/** Starts `node dist/main.js` with `env` and waits for the URLs it prints. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const proc = spawnMain(env);
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  // 'close' comes after the output streams ended: nothing written before exit is missed.
  const exited = new Promise<number | null>((resolve) =>
    proc.once('close', (code) => resolve(code)),
  );
  let early: number | null | undefined;
  void exited.then((code) => (early = code));
  const url = await eventually(
    () => {
      if (early !== undefined) throw new Error(`dist/main.js exited with ${early}:\n${out}`);
      return /GraphQL: (http:\/\/\S+)/.exec(out)?.[1];
    },
    { ms: 20_000, what: 'dist/main.js to print its GraphQL URL' },
  );
  return {
    proc,
    url,
    sandboxUrl: /embedded Gong sandbox at (http:\/\/\S+)/.exec(out)?.[1],
    output: () => out,
    exited,
    async stop(ms = 5_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const force = setTimeout(() => proc.kill('SIGKILL'), ms);
      proc.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    },
  };
}

function spawnMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [builtMain()], {
    cwd: root,
    // The search read model is off unless a test turns it on: its fill would spend the
    // sandbox's budget and the test's time, and its files would land in the repository.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', READ_MODEL: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Through the embedded sandbox's control routes: holds Gong's next answer under `pathPrefix` for
 * `ms` (a query then stays in flight while a test signals the process).
 */
export async function holdNextAnswer(sandboxUrl: string, pathPrefix: string, ms: number) {
  const r = await fetch(`${sandboxUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: { type: 'latency', ms }, count: 1, pathPrefix }),
  });
  if (r.status !== 200) throw new Error(`POST /__sandbox/faults answered ${r.status}`);
}

/** Resolves once the embedded sandbox has logged a request under `pathPrefix`. */
export function untilSandboxSaw(sandboxUrl: string, pathPrefix: string): Promise<true> {
  return eventually(
    async () => {
      const r = (await (await fetch(`${sandboxUrl}/__sandbox/requests`)).json()) as {
        requests: { path: string }[];
      };
      return r.requests.some((q) => q.path.startsWith(pathPrefix)) ? true : undefined;
    },
    { ms: 10_000, what: `a request to ${pathPrefix} to reach the sandbox` },
  );
}
