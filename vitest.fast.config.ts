// `npm run test:fast`, the inner loop: everything that runs in this process, without child
// processes, Redis, the Redis Cluster, a browser or the one test at Gong's real 3/s (`npm test`
// runs those too).
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      env: { TEST_FAST: '1' },
      exclude: [
        ...configDefaults.exclude,
        'test/browser/**',
        'test/federation/mesh-compose-and-hive-gateway-cli-serve-every-root-field.test.ts',
        'test/gong/burst-stays-within-gong-rate.test.ts',
        'test/ops/a-bad-trusted-documents-manifest-is-one-line-naming-its-variable.test.ts',
        'test/ops/node-subscription-example-prints-and-resumes.test.ts',
        'test/ops/production-without-gong-credentials-refuses-to-start.test.ts',
        'test/ops/sigterm-drains-and-exits.test.ts',
        'test/resilience/two-gateway-processes.test.ts',
        'test/security/shutdown-holds-its-deadline-when-stdout-breaks.test.ts',
        'test/store/redis-cluster-carries-the-budget-cache-connections-and-events.test.ts',
      ],
    },
  }),
);
