import { spawnSync } from 'node:child_process';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { freePort } from './ports.js';
import { launchPostgres, postgresAvailable } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Postgres server (see ./postgres.ts), or '' when Postgres is not installed. */
    postgresUrl: string;
    /** RSA private keys (PKCS#8 PEM) shared by every worker (see ./webhook-signing-key.ts). */
    testRsaKeys: string[];
  }
}

/**
 * Says loudly, once per run, when Redis or Postgres suites cannot run (under CI that is a
 * failure), and starts the run's one Postgres server in the background: initdb and start-up cost
 * a second or more of CPU, paid once instead of once per suite; suites wait for it only when they
 * create their first database. Makes the run's test RSA keys (./webhook-signing-key.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // On the thread pool while the rest starts.
  const keys = makeTestRsaKeys();
  // `npm run test:fast` runs no suite that needs either (`env` is unset in a config without one).
  const fast = Boolean(project.config.env?.TEST_FAST);
  const postgres = !fast && postgresSetup() ? launchPostgres(await freePort()) : undefined;
  postgres?.ready.catch((err: unknown) =>
    console.error('\n!! The Postgres server for this run did not start:', err),
  );
  project.provide('postgresUrl', postgres?.url ?? '');
  if (!fast) redisSetup();
  project.provide('testRsaKeys', await keys);
  return async () => {
    await postgres?.stop();
  };
}

/** The run's test RSA keys as PKCS#8 PEM, made at once. */
async function makeTestRsaKeys(count = 5): Promise<string[]> {
  const one = () => promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const pairs = await Promise.all(Array.from({ length: count }, one));
  return pairs.map((p) => p.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

function redisSetup(): void {
  if (spawnSync('redis-server', ['--version']).status === 0) return;
  if (process.env.CI)
    throw new Error(
      'CI is set but redis-server is missing: .ci/run must install it (apt-get install -y redis-server)',
    );
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! redis-server is not installed: every Redis-backed suite is SKIPPED.\n!! Install it (apt-get install -y redis-server) to run them; CI always does.\n${bar}\n`,
  );
}

/** Whether Postgres is installed. */
function postgresSetup(): boolean {
  if (postgresAvailable) return true;
  if (process.env.CI)
    throw new Error(
      'CI is set but Postgres is missing: .ci/run must install it (apt-get install -y postgresql)',
    );
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! Postgres (/usr/lib/postgresql/*/bin/initdb) is not installed: the read model suites run on PGlite only.\n!! Install it (apt-get install -y postgresql) to run them on a server too; CI always does.\n${bar}\n`,
  );
  return false;
}
