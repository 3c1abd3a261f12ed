/**
 * Suites that need a real Postgres server use `describePostgres`: it skips loudly (global-setup
 * says so) only when the binaries are missing and CI is unset; under CI a missing server fails
 * the suite (.ci/run installs it).
 */
import { describe } from 'vitest';
import { postgresAvailable } from './postgres-server.js';

export { postgresAvailable, startPostgres, type PostgresServer } from './postgres-server.js';

/** `describe` for suites that need a real Postgres server. */
export const describePostgres: typeof describe =
  postgresAvailable || process.env.CI ? describe : (describe.skip as typeof describe);
