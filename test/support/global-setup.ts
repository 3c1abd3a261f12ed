import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** Says loudly, once per run, when Redis or Postgres suites cannot run; under CI that is a failure. */
export default function setup(): void {
  postgresSetup();
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

function postgresSetup(): void {
  const root = '/usr/lib/postgresql';
  const present =
    existsSync(root) && readdirSync(root).some((v) => existsSync(`${root}/${v}/bin/initdb`));
  if (present) return;
  if (process.env.CI)
    throw new Error(
      'CI is set but Postgres is missing: .ci/run must install it (apt-get install -y postgresql)',
    );
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! Postgres (/usr/lib/postgresql/*/bin/initdb) is not installed: the read model suites run on PGlite only.\n!! Install it (apt-get install -y postgresql) to run them on a server too; CI always does.\n${bar}\n`,
  );
}
