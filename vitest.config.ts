import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node resolves `graphql` (no "exports") to its CommonJS build, which @apollo/server and
  // @apollo/subgraph use; Vite would pick the ESM build for our sources: two graphql instances.
  resolve: {
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Integration suites start sandboxes, gateways and redis-servers on loopback ports. Three forks
    // on CI's two cores: many suites wait on sockets and child processes, and a third worker fills
    // that idle CPU once the checks beside vitest are done (npm test from a clean dist: 81.7 s with
    // three, 86.0 s with two, same machine and hour).
    pool: 'forks',
    maxWorkers: 3,
    // Memory assertions (the 200 MB media upload) measure live memory after a collection, not the
    // garbage a runtime happens to keep: Node 24 kept 100 MB of streamed chunks uncollected.
    execArgv: ['--expose-gc'],
    // Files share a worker's module cache: loading the gateway once per worker instead of once per
    // file took the suite from ~256 s to ~95 s on this 2-core machine. Tests must therefore leave
    // no module-level state behind (the client suites' shared headers are frozen for that reason).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
