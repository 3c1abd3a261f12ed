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

/** `describe` for suites that need a real redis-server (skipped by `npm run test:fast`). */
export const describeRedis: typeof describe =
  !process.env.TEST_FAST && (redisAvailable || process.env.CI)
    ? describe
    : (describe.skip as typeof describe);

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, waits for exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port (for restart tests). Data is not kept. */
  restart(): Promise<void>;
}

/** Starts `redis-server` with `args` and resolves once it accepts connections. */
async function spawnRedisServer(args: string[]): Promise<ChildProcess> {
  const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) {
        proc.stdout.off('data', onData);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) =>
      reject(new Error(`redis-server ${args.join(' ')} exited with ${code}: ${out}`)),
    );
  });
  return proc;
}

export async function startRedis(): Promise<RedisServer> {
  if (!redisAvailable)
    throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  // Two suites may pick the same port (./ports.ts): the later one retries with another.
  let port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gg-redis-'));
  let proc: ChildProcess | undefined;

  const launch = async () => {
    proc = await spawnRedisServer([
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ]);
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  for (let tries = 1; ; tries++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (tries === 5 || !String(err).includes('Address already in use')) throw err;
      port = await freePort();
    }
  }
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
export function redisSuite(): {
  connect(): Promise<Redis>;
  start(): Promise<void>;
  stop(): Promise<void>;
} {
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
      await new Promise<void>((res) =>
        r.status === 'ready' ? res() : r.once('ready', () => res()),
      );
      return r;
    },
  };
}

export interface RedisCluster {
  /** Seed nodes as `host:port` (REDIS_CLUSTER_NODES takes them comma-separated). */
  nodes: string[];
  /** Stops every node (SIGTERM, waits for exit) and removes their directories. */
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of `size` masters (no replicas) on free loopback ports: one
 * `redis-server --cluster-enabled yes` per node in its own temp dir, joined with
 * `redis-cli --cluster create`, returned once every node reports `cluster_state:ok`.
 */
export async function redisCluster(size = 3): Promise<RedisCluster> {
  if (!redisAvailable)
    throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const procs: ChildProcess[] = [];
  const dirs: string[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      procs.map((p) =>
        p.exitCode !== null
          ? Promise.resolve()
          : new Promise<void>((resolve) => (p.once('exit', () => resolve()), p.kill('SIGTERM'))),
      ),
    );
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      // The node's cluster bus listens at port + 10000.
      const port = await freePort([10_000]);
      const dir = mkdtempSync(join(tmpdir(), 'gg-redis-cluster-'));
      ports.push(port);
      dirs.push(dir);
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, 'nodes.conf'),
        '--cluster-node-timeout',
        '5000',
      ];
      procs.push(await spawnRedisServer(args));
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(
        `redis-cli --cluster create failed (${create.status}): ${create.stdout}${create.stderr}`,
      );
    // Gossip spreads the slot table after create: wait until every node says the cluster is ok.
    for (const port of ports) {
      const r = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
      try {
        for (let tries = 0; ; tries++) {
          const info = await r.cluster('INFO');
          if (/cluster_state:ok/.test(String(info))) break;
          if (tries > 400)
            throw new Error(`cluster node ${port} never reached cluster_state:ok: ${String(info)}`);
          await new Promise((res) => setTimeout(res, 25));
        }
      } finally {
        r.disconnect();
      }
    }
    return { nodes, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

const clusterToolsAvailable = redisAvailable && spawnSync('redis-cli', ['--version']).status === 0;

/** `describe` for suites that need a real Redis Cluster: skipped (with a warning) only outside CI when redis-server is missing. */
export const describeRedisCluster: typeof describe =
  clusterToolsAvailable || process.env.CI
    ? describe
    : (((name: string, ...rest: unknown[]) => {
        console.warn(
          `SKIPPED "${name}": redis-server/redis-cli not installed (apt-get install -y redis-server); CI runs it.`,
        );
        return (describe.skip as (...a: unknown[]) => unknown)(name, ...rest);
      }) as unknown as typeof describe);
