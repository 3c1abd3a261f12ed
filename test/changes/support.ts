/**
 * A sandbox and gateway(s) on one injected clock, for the suites about calls that change after
 * processing: tests change calls in the sandbox, move the clock, run the reconciler's due sweeps
 * (`gateway.changes.tick()`), and count what they cost from the sandbox's request log. The
 * sandbox's webhook rule points at the first gateway; subscriptions use the events suites' client.
 */
import type { GatewayDeps } from '../../src/app.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { RequestLogEntry, SandboxOptions } from '../../src/sandbox/types.js';
import { SANDBOX_TEST_OPTIONS, startGateway, type TestGateway } from '../support/gateway.js';
import { disposeClients, subscribe } from '../events/gateway-harness.js';
import { eventually } from '../support/eventually.js';

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

export interface ChangeRig {
  sandbox: Sandbox;
  clock: Clock;
  /** The first gateway (the webhook rule's target). */
  gw: TestGateway;
  instances: TestGateway[];
  /** Upstream /v2 requests since the last reset. */
  upstream(): RequestLogEntry[];
  reset(): void;
  close(): Promise<void>;
}

/**
 * On top of GATEWAY_TEST_ENV: sweeps every minute (recent) and ten minutes (whole window), caches
 * on at their deployment sizes, and no transcript checks within a test.
 */
const RIG_ENV: Record<string, string | undefined> = {
  RECONCILE_RECENT_INTERVAL_SECONDS: '60',
  RECONCILE_INTERVAL_SECONDS: '600',
  CACHE_TTL_SECONDS: undefined,
  CACHE_MAX_BYTES: undefined,
  TRANSCRIPT_POLL_INITIAL_SECONDS: '3600',
};

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
    ...SANDBOX_TEST_OPTIONS,
    users: 10,
    days: 30,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    webhookRetry: { attempts: 1, delayMs: 10 },
    now: () => clock.now(),
    ...opts.sandbox,
  });
  const instances: TestGateway[] = [];
  for (let i = 0; i < (opts.instances ?? 1); i++)
    instances.push(
      await startGateway({
        sandbox,
        publicUrl: true,
        env: {
          GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
          ...RIG_ENV,
          ...opts.env,
        },
        deps: (s) => ({ ...opts.deps?.(s), now: () => clock.now() }),
      }),
    );
  const gw = instances[0]!;
  sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
  return {
    sandbox,
    clock,
    gw,
    instances,
    upstream: () => gw.upstream(),
    reset: () => gw.reset(),
    async close() {
      await disposeClients();
      for (const i of instances) await i.close();
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
