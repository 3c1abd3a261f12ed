/**
 * The suites that wait on the outside world or move bulk, by kind (paths from the repository
 * root; a path ending in `/` is a folder). `npm run test:fast` leaves them out
 * (vitest.fast.config.ts).
 */

/** Child processes (the built gateway, CLIs, Chromium), Redis or a Redis Cluster. */
export const PROCESSES = [
  'test/browser/',
  'test/federation/mesh-compose-and-hive-gateway-cli-serve-every-root-field.test.ts',
  'test/http/client-codegen-example-generates-typed-operations-and-trusted-documents.test.ts',
  'test/ops/a-bad-trusted-documents-manifest-is-one-line-naming-its-variable.test.ts',
  'test/ops/node-subscription-example-prints-and-resumes.test.ts',
  'test/ops/production-without-gong-credentials-refuses-to-start.test.ts',
  'test/ops/sighup-drains-and-a-busy-port-is-one-line-naming-port.test.ts',
  'test/ops/sigterm-drains-and-exits.test.ts',
  'test/resilience/two-gateway-processes.test.ts',
  'test/security/non-reading-sse-clients-under-a-webhook-flood-keep-the-heap-bounded.test.ts',
  'test/security/shutdown-ends-every-stream-with-a-message-its-client-understands.test.ts',
  'test/security/shutdown-holds-its-deadline-when-stdout-breaks.test.ts',
  'test/store/redis-cluster-carries-the-budget-cache-connections-and-events.test.ts',
];

/** The search read model on PGlite and Postgres. */
export const DATABASES = [
  'test/read-model/',
  'test/federation/crm-account-joins-its-gong-calls-by-crm-id.test.ts',
];

/** Real time: the one test at Gong's real 3/s, Retry-After waits, deadlines, slow links. */
export const REAL_TIME = [
  'test/gong/burst-stays-within-gong-rate.test.ts',
  'test/gong/fault-storms-recover-or-fail-typed.test.ts',
  'test/resilience/graphql-under-faults.test.ts',
  'test/resilience/stampede.test.ts',
  'test/security/webhook-and-graphql-bodies-are-read-only-after-auth-and-within-deadlines.test.ts',
  'test/security/websocket-is-bounded-authenticated-and-follows-the-http-policy.test.ts',
  'test/writes/media-upload-slow-link.test.ts',
];

/** Every policy, ceiling, change-feed and trusted-document case over every transport. */
export const TRANSPORT_MATRICES = [
  'test/changes/the-change-feed-works-on-every-transport.test.ts',
  'test/security/one-policy-holds-on-every-transport.test.ts',
  'test/security/one-request-cannot-spend-a-connections-day.test.ts',
  'test/security/only-trusted-documents-run-on-every-transport.test.ts',
];

/** Volumes: hundreds of megabytes through the gateway to show its memory stays flat. */
export const VOLUMES = ['test/writes/media-upload-streams.test.ts'];

/** Every kind. */
export const WAITING_KINDS = [DATABASES, PROCESSES, REAL_TIME, TRANSPORT_MATRICES, VOLUMES];

/** As vitest globs. */
export const asGlobs = (paths: readonly string[]): string[] =>
  paths.map((p) => (p.endsWith('/') ? `${p}**` : p));
