// `npm run test:fast`, the inner loop: the suites that run in this process without waiting on the
// outside world. Left to `npm test` (which runs everything): the kinds in
// test/support/suite-kinds.ts (child processes, databases, real time, transport matrices,
// volumes), and every Redis suite (describeRedis skips itself under TEST_FAST).
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import { asGlobs, WAITING_KINDS } from './test/support/suite-kinds.js';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      env: { TEST_FAST: '1' },
      exclude: [...configDefaults.exclude, ...asGlobs(WAITING_KINDS.flat())],
    },
  }),
);
