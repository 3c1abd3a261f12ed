import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { freePort } from './ports.js';
import { launchPostgres, postgresAvailable } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Postgres server (see ./postgres.ts), or '' when Postgres is not installed. */
    postgresUrl: string;
  }
}

/**
 * Says loudly, once per run, when Redis or Postgres suites cannot run (under CI that is a
 * failure), and starts the run's one Postgres server in the background: initdb and start-up cost
 * a second or more of CPU, paid once instead of once per suite; suites wait for it only when they
 * create their first database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // `npm run test:fast` runs no suite that needs either (`env` is unset in a config without one).
  if (project.config.env?.TEST_FAST) {
    project.provide('postgresUrl', '');
    return () => Promise.resolve();
  }
  const postgres = postgresSetup() ? launchPostgres(await freePort()) : undefined;
  postgres?.ready.catch((err: unknown) =>
    console.error('\n!! The Postgres server for this run did not start:', err),
  );
  project.provide('postgresUrl', postgres?.url ?? '');
  redisSetup();
  return async () => {
    await postgres?.stop();
  };
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
