/**
 * The one way tests start a gateway: in this process over an in-process sandbox (`startGateway`),
 * with one set of defaults (`GATEWAY_TEST_ENV`, `SANDBOX_TEST_OPTIONS`) that a suite overrides by
 * name; with `sandbox: false`, over whatever Gong `env` names (a literal Gong, a relay). A test
 * that needs a whole process (signals, stdout, two instances) starts the built one with
 * `startGatewayProcess` (./gateway-process.ts). Counting assertions read the sandbox's log.
 */
import { createGateway, type Gateway, type GatewayDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RequestLogEntry, Sandbox, SandboxOptions } from '../../src/sandbox/types.js';
import { freePort } from './ports.js';
import { testWebhookSigningKey } from './webhook-signing-key.js';

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

/**
 * The sandbox in tests: no rate limit (the gateway's own limiter is tested on its own), and the
 * worker's shared webhook signing key.
 */
export const SANDBOX_TEST_OPTIONS: Readonly<SandboxOptions> = Object.freeze({
  rateLimit: false,
  webhookSigningKey: testWebhookSigningKey(),
  users: 20,
  calls: 300,
});

export interface GatewayOptions {
  /** The sandbox to use (the caller closes it), or options on top of SANDBOX_TEST_OPTIONS. */
  sandbox?: Sandbox | SandboxOptions;
  /**
   * Configuration on top of GATEWAY_TEST_ENV. `undefined` drops a test default, so the gateway's
   * own applies (e.g. caches on at their deployment sizes).
   */
  env?: Record<string, string | undefined>;
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

/**
 * A gateway that is given no sandbox: Gong is wherever `env` (GONG_API_BASE_URL with an access
 * key) or an injected registry says, e.g. a server answering literal bodies, or a relay in front
 * of a sandbox the test started.
 */
export interface UpstreamGatewayOptions extends Pick<GatewayOptions, 'env' | 'publicUrl'> {
  sandbox: false;
  /** What createGateway gets (an injected registry, a logger, ...). */
  deps?: (config: Config) => Omit<GatewayDeps, 'sandbox'>;
}

/** A started gateway, whatever its upstream. */
export interface StartedGateway {
  gateway: Gateway;
  /** The GraphQL endpoint. */
  url: string;
  /** e.g. http://127.0.0.1:39123 */
  origin: string;
  wsUrl: string;
  webhookUrl: (ref?: string) => string;
  gql: <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => Promise<GraphQLResult<T>>;
  openSubscriptions: () => Promise<number>;
  /** Closes the gateway, and the sandbox when the harness started it. */
  close: () => Promise<void>;
}

/** A gateway over the sandbox. */
export interface TestGateway extends StartedGateway {
  sandbox: Sandbox;
  /** The id of the sandbox's webhook rule, with `webhooks: 'rule'`. */
  ruleId: string | undefined;
  /** Upstream /v2 requests since the last reset. */
  upstream: () => RequestLogEntry[];
  reset: () => void;
}

const isSandbox = (s: Sandbox | SandboxOptions | false | undefined): s is Sandbox =>
  typeof s === 'object' && 'control' in s;

const testLogger = () => (process.env.TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger());

/** PORT and PUBLIC_URL on a free port, or nothing (port 0, chosen when listening). */
async function publicEnv(wanted: boolean | undefined): Promise<Record<string, string>> {
  if (!wanted) return {};
  const port = await freePort();
  return { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` };
}

function started(gateway: Gateway, closeUpstream?: () => Promise<void>): StartedGateway {
  const origin = new URL(gateway.url).origin;
  return {
    gateway,
    url: gateway.url,
    origin,
    wsUrl: gateway.url.replace(/^http/, 'ws'),
    webhookUrl: (ref = 'default') => `${origin}/webhooks/gong/${ref}`,
    gql: (query, variables, headers) => graphql(gateway.url, query, variables, headers),
    async openSubscriptions() {
      const m = await gateway.metrics.openSubscriptions.get();
      return m.values.reduce((n, v) => n + v.value, 0);
    },
    async close() {
      await gateway.close();
      await closeUpstream?.();
    },
  };
}

export function startGateway(opts: UpstreamGatewayOptions): Promise<StartedGateway>;
export function startGateway(opts?: GatewayOptions): Promise<TestGateway>;
export async function startGateway(
  opts: GatewayOptions | UpstreamGatewayOptions = {},
): Promise<StartedGateway | TestGateway> {
  if (opts.sandbox === false) {
    const config = loadConfig({
      ...GATEWAY_TEST_ENV,
      ...(await publicEnv(opts.publicUrl)),
      ...opts.env,
    });
    return started(await createGateway(config, { logger: testLogger(), ...opts.deps?.(config) }));
  }
  const owned = !isSandbox(opts.sandbox);
  const sandbox = isSandbox(opts.sandbox)
    ? opts.sandbox
    : await startSandbox({ ...SANDBOX_TEST_OPTIONS, ...opts.sandbox });
  const webhookEnv: Record<string, string> = opts.webhooks
    ? {
        GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
        TRANSCRIPT_POLL_INITIAL_SECONDS: '0.05',
        TRANSCRIPT_POLL_MAX_SECONDS: '0.2',
      }
    : {};
  const config = loadConfig({
    ...GATEWAY_TEST_ENV,
    ...(await publicEnv(opts.publicUrl || Boolean(opts.webhooks))),
    ...webhookEnv,
    ...opts.env,
  });
  const gateway = await createGateway(config, {
    sandbox,
    logger: testLogger(),
    ...opts.deps?.(sandbox, config),
  });
  const base = started(gateway, owned ? () => sandbox.close() : undefined);
  const ruleId =
    opts.webhooks === 'rule'
      ? sandbox.control.addWebhookRule({ targetUrl: base.webhookUrl() }).id
      : undefined;
  return {
    ...base,
    sandbox,
    ruleId,
    upstream: () => sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/')),
    reset: () => sandbox.control.resetLog(),
  };
}
