/**
 * Suites that need a real Postgres server use `describePostgres`: it skips loudly (global-setup
 * says so) only when the binaries are missing and CI is unset; under CI a missing server fails
 * the suite (.ci/run installs it).
 */
import { describe, inject } from 'vitest';
import { attachPostgres, postgresAvailable, type PostgresServer } from './postgres-server.js';

export { postgresAvailable, startPostgres, type PostgresServer } from './postgres-server.js';

/** The test run's Postgres server (started by global-setup.ts); each suite makes its own databases. */
export function runPostgres(): PostgresServer {
  const url = inject('postgresUrl');
  if (!url) throw new Error('Postgres is not installed: this suite should have been skipped');
  return attachPostgres(url);
}

/** `describe` for suites that need a real Postgres server. */
export const describePostgres: typeof describe =
  postgresAvailable || process.env.CI ? describe : (describe.skip as typeof describe);
