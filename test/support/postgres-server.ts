/**
 * Starts a real Postgres server (Debian's `postgresql` package: initdb + postgres from
 * /usr/lib/postgresql/<version>/bin) in a temporary directory on a free loopback port, for a test
 * suite or a benchmark. As root (CI), the server runs as the `postgres` user, since Postgres
 * refuses to run as root. No vitest here: benches import it too (suites use ./postgres.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** The newest installed server's bin directory, if any. */
function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

const BIN = findBinDir();
export const postgresAvailable = BIN !== undefined;

/** The uid/gid to run as: ours, unless we are root (then `postgres`'). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres']).stdout.toString().trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error('running as root, but there is no `postgres` user to run the server as');
  return { uid, gid };
}

export interface PostgresServer {
  /** A postgres:// URL to the `postgres` database as the superuser. */
  url: string;
  /** Creates a fresh database and returns its URL (one per test that needs a clean slate). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** A server started in the background: `url` is known at once, `ready` once it accepts connections. */
export interface LaunchedPostgres extends PostgresServer {
  ready: Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const server = launchPostgres(await freePort());
  await server.ready;
  return server;
}

/** Runs initdb and the server in the background on `port` (one test run shares it: global-setup.ts). */
export function launchPostgres(port: number): LaunchedPostgres {
  if (!BIN)
    throw new Error(
      'Postgres is not installed (apt-get install -y postgresql): no /usr/lib/postgresql/*/bin/initdb',
    );
  const bin = BIN;
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'gg-postgres-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  let proc: ChildProcess | undefined;
  const ready = (async () => {
    await exited(
      spawn(
        join(bin, 'initdb'),
        ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
        { ...user, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
      'initdb',
    );
    proc = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dir}`,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      { ...user, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('ready to accept connections')) {
          server.stderr!.off('data', onData);
          resolve();
        }
      };
      server.stderr!.on('data', onData);
      server.stdout!.resume();
      server.once('exit', (code) => reject(new Error(`postgres exited with ${code}: ${out}`)));
    });
  })();
  ready.catch(() => undefined);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    ready,
    createDatabase: async (name) => {
      await ready;
      return createDatabase(url, name);
    },
    async stop() {
      await ready.catch(() => undefined);
      if (proc && proc.exitCode === null) {
        const server = proc;
        await new Promise<void>((resolve) => {
          server.once('exit', () => resolve());
          // SIGINT: "fast" shutdown (disconnects clients, no waiting for them).
          server.kill('SIGINT');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A server another process started (the test run's, see global-setup.ts): databases are created
 * on it once it accepts connections; stopping it is that process's job.
 */
export function attachPostgres(url: string): PostgresServer {
  return {
    url,
    createDatabase: (name) => createDatabase(url, name, 60_000),
    stop: () => Promise.resolve(),
  };
}

/** Creates database `name` on the server at `url`, waiting up to `waitMs` for it to accept connections. */
async function createDatabase(url: string, name: string, waitMs = 0): Promise<string> {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  }
}

function exited(child: ChildProcess, what: string): Promise<void> {
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} failed (${code}): ${out}`)),
    );
  });
}
