/**
 * An in-process sandbox and a real gateway on port 0 for the writes and proxy suites, plus small
 * clients for GraphQL and raw HTTP. Counting assertions read the sandbox's request log.
 */
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { UserMetadata, Workspace } from '../../src/gong/wire.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RequestLogEntry, Sandbox, SandboxOptions } from '../../src/sandbox/types.js';

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface WritesHarness {
  sandbox: Sandbox;
  gateway: Gateway;
  /** The gateway's origin, e.g. http://127.0.0.1:39123 */
  origin: string;
  /** Active users and the workspaces of the tenant (read before the log was reset). */
  users: UserMetadata[];
  workspaces: Workspace[];
  gql<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** `/v2` requests the sandbox received since the last reset. */
  upstream(): RequestLogEntry[];
  reset(): void;
  close(): Promise<void>;
}

export const API_KEY = 'writes-test-key';

async function sandboxGet<T>(sandbox: Sandbox, path: string): Promise<T> {
  const auth = Buffer.from(`${sandbox.accessKey}:${sandbox.accessKeySecret}`).toString('base64');
  const res = await fetch(`${sandbox.url}${path}`, { headers: { authorization: `Basic ${auth}` } });
  return (await res.json()) as T;
}

export async function startWritesHarness(
  opts: { sandbox?: SandboxOptions; env?: Record<string, string> } = {},
): Promise<WritesHarness> {
  const sandbox = await startSandbox({
    rateLimit: false,
    users: 10,
    calls: 20,
    processingDelayMs: 0,
    transcriptDelayMs: 60_000,
    ...opts.sandbox,
  });
  const config = loadConfig({
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    CACHE_TTL_SECONDS: '0',
    CACHE_MAX_BYTES: '0',
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '1000000',
    GATEWAY_API_KEYS: API_KEY,
    ...opts.env,
  });
  const gateway = await createGateway(config, { sandbox, logger: silentLogger() });
  const users = (await sandboxGet<{ users: UserMetadata[] }>(sandbox, '/v2/users')).users.filter(
    (u) => u.active,
  );
  const workspaces = (await sandboxGet<{ workspaces: Workspace[] }>(sandbox, '/v2/workspaces'))
    .workspaces;
  sandbox.control.resetLog();
  const origin = new URL(gateway.url).origin;
  return {
    sandbox,
    gateway,
    origin,
    users,
    workspaces,
    async gql(query, variables, headers = {}) {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${API_KEY}`,
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
    upstream: () => sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/')),
    reset: () => sandbox.control.resetLog(),
    async close() {
      await gateway.close();
      await sandbox.close();
    },
  };
}
