import { spawnSync } from 'node:child_process';

/** Says loudly, once per run, when Redis suites cannot run; under CI that is a failure. */
export default function setup(): void {
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
