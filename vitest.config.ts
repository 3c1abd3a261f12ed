import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node resolves `graphql` (no "exports") to its CommonJS build, which @apollo/server and
  // @apollo/subgraph use; Vite would pick the ESM build for our sources: two graphql instances.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Integration suites start sandboxes, gateways and redis-servers on loopback ports;
    // two forks match CI's two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
