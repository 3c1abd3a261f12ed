/**
 * The one way tests start a gateway: in this process over an in-process sandbox (`startGateway`),
 * with one set of defaults (`GATEWAY_TEST_ENV`, `SANDBOX_TEST_OPTIONS`) that a suite overrides by
 * name. A test that needs a whole process (signals, stdout, two instances) starts the built one
 * with `startGatewayProcess` (./gateway-process.ts). Counting assertions read the sandbox's log.
 */
import { createGateway, type Gateway, type GatewayDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RequestLogEntry, Sandbox, SandboxOptions } from '../../src/sandbox/types.js';
import { freePort } from './ports.js';

/** What a GraphQL request answered: the HTTP status and the JSON body. */
export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** The error codes of a result, in order. */
export const codes = (r: Pick<GraphQLResult, 'errors'>): unknown[] =>
  (r.errors ?? []).map((e) => e.extensions?.code);

/** POSTs one GraphQL operation as JSON. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResult<T>, 'status'>;
  return { status: res.status, ...body };
}

/**
 * The gateway's configuration in tests: loopback, a free port, quiet, no caches (counts stay
 * exact), no retries, and a budget no test reaches. TEST_LOG=1 logs at debug level.
 */
export const GATEWAY_TEST_ENV: Readonly<Record<string, string>> = Object.freeze({
  // The search read model (a database and a fill of the sandbox) only where a suite asks for it.
  READ_MODEL: 'off',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  CACHE_TTL_SECONDS: '0',
  CACHE_MAX_BYTES: '0',
  GONG_MAX_RETRIES: '0',
  GONG_RATE_PER_SECOND: '1000',
  GONG_DAILY_BUDGET: '1000000',
});

/** The sandbox in tests: no rate limit (the gateway's own limiter is tested on its own). */
export const SANDBOX_TEST_OPTIONS: Readonly<SandboxOptions> = Object.freeze({
  rateLimit: false,
  users: 20,
  calls: 300,
});

export interface GatewayOptions {
  /** The sandbox to use (the caller closes it), or options on top of SANDBOX_TEST_OPTIONS. */
  sandbox?: Sandbox | SandboxOptions;
  /** Configuration on top of GATEWAY_TEST_ENV. */
  env?: Record<string, string>;
  /** What createGateway gets besides the sandbox (an injected registry, routes, a clock, ...). */
  deps?: (sandbox: Sandbox, config: Config) => Omit<GatewayDeps, 'sandbox'>;
  /** Listen on a port known before start, named by PUBLIC_URL (OAuth redirects, webhooks). */
  publicUrl?: boolean;
  /**
   * Receive the sandbox's signed webhooks: `publicUrl` (Gong signs the URL it calls), the
   * sandbox's webhook key, a fast transcript poller, and (`'rule'`) a webhook rule in
   * the sandbox pointing at connection `default`.
   */
  webhooks?: boolean | 'rule';
}

export interface TestGateway {
  sandbox: Sandbox;
  gateway: Gateway;
  /** The GraphQL endpoint. */
  url: string;
  /** e.g. http://127.0.0.1:39123 */
  origin: string;
  wsUrl: string;
  webhookUrl: (ref?: string) => string;
  /** The id of the sandbox's webhook rule, with `webhooks: 'rule'`. */
  ruleId: string | undefined;
  gql: <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => Promise<GraphQLResult<T>>;
  /** Upstream /v2 requests since the last reset. */
  upstream: () => RequestLogEntry[];
  reset: () => void;
  openSubscriptions: () => Promise<number>;
  /** Closes the gateway, and the sandbox when the harness started it. */
  close: () => Promise<void>;
}

const isSandbox = (s: Sandbox | SandboxOptions | undefined): s is Sandbox =>
  typeof s === 'object' && 'control' in s;

export async function startGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  const owned = !isSandbox(opts.sandbox);
  const sandbox = isSandbox(opts.sandbox)
    ? opts.sandbox
    : await startSandbox({ ...SANDBOX_TEST_OPTIONS, ...opts.sandbox });
  const port = opts.publicUrl || opts.webhooks ? await freePort() : 0;
  const publicEnv: Record<string, string> = port
    ? { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }
    : {};
  const webhookEnv: Record<string, string> = opts.webhooks
    ? {
        GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
        TRANSCRIPT_POLL_INITIAL_SECONDS: '0.05',
        TRANSCRIPT_POLL_MAX_SECONDS: '0.2',
      }
    : {};
  const config = loadConfig({ ...GATEWAY_TEST_ENV, ...publicEnv, ...webhookEnv, ...opts.env });
  const gateway = await createGateway(config, {
    sandbox,
    logger: process.env.TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger(),
    ...opts.deps?.(sandbox, config),
  });
  const origin = new URL(gateway.url).origin;
  const webhookUrl = (ref = 'default') => `${origin}/webhooks/gong/${ref}`;
  const ruleId =
    opts.webhooks === 'rule'
      ? sandbox.control.addWebhookRule({ targetUrl: webhookUrl() }).id
      : undefined;
  return {
    sandbox,
    gateway,
    url: gateway.url,
    origin,
    wsUrl: gateway.url.replace(/^http/, 'ws'),
    webhookUrl,
    ruleId,
    gql: (query, variables, headers) => graphql(gateway.url, query, variables, headers),
    upstream: () => sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/')),
    reset: () => sandbox.control.resetLog(),
    async openSubscriptions() {
      const m = await gateway.metrics.openSubscriptions.get();
      return m.values.reduce((n, v) => n + v.value, 0);
    },
    async close() {
      await gateway.close();
      if (owned) await sandbox.close();
    },
  };
}
