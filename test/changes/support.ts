/**
 * A sandbox and gateway(s) on one injected clock, for the suites about calls that change after
 * processing: tests change calls in the sandbox, move the clock, run the reconciler's due sweeps
 * (`gateway.changes.tick()`), and count what they cost from the sandbox's request log. The
 * sandbox's webhook rule points at the first gateway; subscriptions use the events suites' client.
 */
import { createGateway, type Gateway, type GatewayDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { RequestLogEntry, SandboxOptions } from '../../src/sandbox/types.js';
import { freePort } from '../support/ports.js';
import { disposeClients, subscribe } from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Clock {
  now(): number;
  advance(ms: number): void;
}

export function testClock(start = Date.parse('2026-03-02T12:00:00Z')): Clock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface Instance {
  gateway: Gateway;
  wsUrl: string;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
}

export interface ChangeRig {
  sandbox: Sandbox;
  clock: Clock;
  /** The first gateway (the webhook rule's target). */
  gw: Instance;
  instances: Instance[];
  /** Upstream /v2 requests since the last reset. */
  upstream(): RequestLogEntry[];
  reset(): void;
  close(): Promise<void>;
}

/** Default knobs: sweeps every minute (recent) and ten minutes (whole window), caches on. */
export const RIG_ENV: Record<string, string> = {
  READ_MODEL: 'off',
  RECONCILE_RECENT_INTERVAL_SECONDS: '60',
  RECONCILE_INTERVAL_SECONDS: '600',
  GONG_RATE_PER_SECOND: '1000',
  GONG_DAILY_BUDGET: '100000',
  GONG_MAX_RETRIES: '0',
};

export async function startInstance(
  sandbox: Sandbox,
  clock: Clock,
  env: Record<string, string> = {},
  deps: Omit<GatewayDeps, 'sandbox' | 'now'> = {},
): Promise<Instance> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    LOG_LEVEL: 'silent',
    GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
    TRANSCRIPT_POLL_INITIAL_SECONDS: '3600',
    ...RIG_ENV,
    ...env,
  });
  const gateway = await createGateway(config, {
    sandbox,
    logger: silentLogger(),
    ...deps,
    now: () => clock.now(),
  });
  return {
    gateway,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    async gql(query, variables) {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
  };
}

export async function startChangeRig(
  opts: {
    env?: Record<string, string>;
    sandbox?: SandboxOptions;
    /** Gateways on the same sandbox and clock (share state only through `env`, e.g. REDIS_URL). */
    instances?: number;
    clock?: Clock;
    /** What the gateways are built with besides the sandbox and clock (a registry, ...). */
    deps?: (sandbox: Sandbox) => Omit<GatewayDeps, 'sandbox' | 'now'>;
  } = {},
): Promise<ChangeRig> {
  const clock = opts.clock ?? testClock();
  const sandbox = await startSandbox({
    rateLimit: false,
    users: 10,
    calls: 300,
    days: 30,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    webhookRetry: { attempts: 1, delayMs: 10 },
    now: () => clock.now(),
    ...opts.sandbox,
  });
  const instances: Instance[] = [];
  for (let i = 0; i < (opts.instances ?? 1); i++)
    instances.push(await startInstance(sandbox, clock, opts.env, opts.deps?.(sandbox)));
  const gw = instances[0]!;
  sandbox.control.addWebhookRule({
    targetUrl: `${gw.gateway.url.replace(/\/graphql$/, '')}/webhooks/gong/default`,
  });
  return {
    sandbox,
    clock,
    gw,
    instances,
    upstream: () => sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/')),
    reset: () => sandbox.control.resetLog(),
    async close() {
      await disposeClients();
      for (const i of instances) await i.gateway.close();
      await sandbox.close();
    },
  };
}

/** Puts the connection in use (any operation does) and runs its first sweep, which builds its change index. */
export async function indexed(rig: ChangeRig): Promise<void> {
  await rig.gw.gql('{ gongWorkspaces { id } }');
  await rig.gw.gateway.changes.tick();
}

export interface ChangeEvent {
  eventId: string;
  kind: string;
  callId: string;
  changedFields: string[];
  call: { id: string; title: string; isPrivate: boolean } | null;
}

export const CALL_CHANGED = `subscription ($after: String, $includePrivate: Boolean) {
  gongCallChanged(after: $after, includePrivate: $includePrivate) {
    eventId kind callId changedFields call { id title isPrivate }
  }
}`;

/** Every change published so far (a replay from the start), read once `expected` have arrived. */
export async function changesSoFar(
  wsUrl: string,
  expected: number,
  includePrivate = true,
): Promise<ChangeEvent[]> {
  const sub = subscribe<ChangeEvent>(wsUrl, CALL_CHANGED, { after: '0-0', includePrivate });
  await eventually(
    () => (sub.items.length >= expected || sub.errors.length > 0 ? true : undefined),
    5_000,
    `${expected} call.changed events`,
  );
  sub.stop();
  if (sub.errors.length > 0) throw new Error(JSON.stringify(sub.errors));
  return sub.items;
}

/** Sandbox calls whose start lies `[fromAgo, toAgo)` before now, oldest first. */
export function callsStarted(rig: ChangeRig, fromAgoMs: number, toAgoMs: number) {
  const now = rig.clock.now();
  return rig.sandbox.control
    .allCalls()
    .filter((c) => {
      const t = Date.parse(c.metaData.started ?? '');
      return t >= now - fromAgoMs && t < now - toAgoMs;
    })
    .sort((a, b) => Date.parse(a.metaData.started ?? '') - Date.parse(b.metaData.started ?? ''));
}
