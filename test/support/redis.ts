/**
 * Starts a real `redis-server` on a free loopback port for one suite and stops it afterwards.
 * Suites use `describeRedis` so that they skip (with a loud warning) only when redis-server is
 * missing outside CI; under CI (`CI` set) a missing server fails the suite.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { freePort } from './ports.js';

export const redisAvailable = spawnSync('redis-server', ['--version']).status === 0;

/** `describe` for suites that need a real redis-server. */
export const describeRedis: typeof describe =
  redisAvailable || process.env.CI ? describe : (describe.skip as typeof describe);

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, waits for exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port (for restart tests). Data is not kept. */
  restart(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  if (!redisAvailable) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gg-redis-'));
  let proc: ChildProcess | undefined;

  const launch = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) {
          proc!.stdout!.off('data', onData);
          resolve();
        }
      };
      proc!.stdout!.on('data', onData);
      proc!.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}

/**
 * A redis-server for one suite and ready ioredis clients to it, all closed by `stop()`:
 * call in `beforeAll` / `afterAll`.
 */
export function redisSuite(): { connect(): Promise<Redis>; start(): Promise<void>; stop(): Promise<void> } {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  return {
    async start() {
      server = await startRedis();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await server?.stop();
    },
    async connect() {
      if (!server) throw new Error('redisSuite: start() first');
      const r = new Redis(server.url, { maxRetriesPerRequest: 1 });
      clients.push(r);
      await new Promise<void>((res) => (r.status === 'ready' ? res() : r.once('ready', () => res())));
      return r;
    },
  };
}
