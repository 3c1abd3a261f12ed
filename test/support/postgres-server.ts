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

export async function startPostgres(): Promise<PostgresServer> {
  if (!BIN)
    throw new Error(
      'Postgres is not installed (apt-get install -y postgresql): no /usr/lib/postgresql/*/bin/initdb',
    );
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'gg-postgres-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const init = spawnSync(
    join(BIN, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { ...user, encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const proc: ChildProcess = spawn(
    join(BIN, 'postgres'),
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
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready to accept connections')) {
        proc.stderr!.off('data', onData);
        resolve();
      }
    };
    proc.stderr!.on('data', onData);
    proc.stdout!.resume();
    proc.once('exit', (code) => reject(new Error(`postgres exited with ${code}: ${out}`)));
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (proc.exitCode === null)
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          // SIGINT: "fast" shutdown (disconnects clients, no waiting for them).
          proc.kill('SIGINT');
        });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
