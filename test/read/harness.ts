/**
 * Test harness for the read API: an in-process sandbox and a gateway on free ports, plus a tiny
 * GraphQL-over-HTTP client. Counting assertions read the sandbox's request log.
 */
import { createGateway, type Gateway, type GatewayDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RequestLogEntry, Sandbox, SandboxOptions } from '../../src/sandbox/types.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Harness {
  sandbox: Sandbox;
  gateway: Gateway;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Upstream /v2 requests since the last reset. */
  upstream(): RequestLogEntry[];
  reset(): void;
  close(): Promise<void>;
}

export async function startHarness(
  opts: {
    sandbox?: SandboxOptions;
    env?: Record<string, string>;
    deps?: (sandbox: Sandbox) => Omit<GatewayDeps, 'sandbox'>;
  } = {},
): Promise<Harness> {
  const sandbox = await startSandbox({ rateLimit: false, users: 20, calls: 300, ...opts.sandbox });
  const config = loadConfig({
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    CACHE_TTL_SECONDS: '0',
    CACHE_MAX_BYTES: '0',
    GONG_MAX_RETRIES: '0',
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '1000000',
    ...opts.env,
  });
  const gateway = await createGateway(config, {
    sandbox,
    logger: process.env.TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger(),
    ...opts.deps?.(sandbox),
  });
  return {
    sandbox,
    gateway,
    gql: graphqlOver(gateway.url),
    upstream: () => sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/')),
    reset: () => sandbox.control.resetLog(),
    async close() {
      await gateway.close();
      await sandbox.close();
    },
  };
}

/** A tiny GraphQL-over-HTTP client of `url`, sending `headers` (per-call headers win). */
export function graphqlOver(url: string, headers: Record<string, string> = {}): Harness['gql'] {
  return async (query, variables, extra = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...extra },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse, 'status'>;
    return { status: res.status, ...body } as never;
  };
}

/** The error codes of a response, in order. */
export const codes = (r: GraphQLResponse): unknown[] =>
  (r.errors ?? []).map((e) => e.extensions?.code);
