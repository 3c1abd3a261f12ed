/** Parent side of ./server-process.ts: start a server under test in its own Node process. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ServerSpec =
  | { kind: 'gateway'; env: Record<string, string> }
  | { kind: 'bare' }
  | { kind: 'bare-view'; answer: unknown }
  | { kind: 'sandbox'; options: Record<string, unknown> };

export interface ChildInfo {
  url: string;
  port: number;
  accessKey?: string;
  accessKeySecret?: string;
}

export type ChildRequest = { type: 'stats'; id: number; gc?: boolean } | { type: 'stop' };

export interface ChildStats {
  cpu: NodeJS.CpuUsage;
  mem: NodeJS.MemoryUsage;
  subscriptions: number;
  /** Sandbox only: `/v2/` requests served so far. */
  upstream: number;
}

export interface ServerChild {
  info: ChildInfo;
  pid: number;
  stats(gc?: boolean): Promise<ChildStats>;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL('./server-process.ts', import.meta.url));

function once<T>(
  child: ChildProcess,
  pick: (m: unknown) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`server child: no ${what} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: unknown) => {
      const v = pick(m);
      if (v !== undefined) done(undefined, v);
    };
    const onExit = (code: number | null) =>
      done(new Error(`server child exited with ${code} before ${what}`));
    function done(err?: Error, v?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(v as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function spawnServer(spec: ServerSpec): Promise<ServerChild> {
  const child = fork(entry, [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await once(
    child,
    (m) => (isMsg(m, 'ready') ? (m as { info: ChildInfo }).info : undefined),
    60_000,
    'ready',
  );
  let next = 0;
  return {
    info,
    pid: child.pid ?? -1,
    async stats(gc = false) {
      const id = ++next;
      const reply = once(
        child,
        (m) =>
          isMsg(m, 'stats') && (m as { id: number }).id === id
            ? (m as { stats: ChildStats }).stats
            : undefined,
        30_000,
        'stats',
      );
      child.send({ type: 'stats', id, gc } satisfies ChildRequest);
      return reply;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ type: 'stop' } satisfies ChildRequest);
      // Bounded: a child that does not exit in 10 s is killed (this pid only).
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

const isMsg = (m: unknown, type: string): boolean =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
