/**
 * Starting an event gateway (webhooks and graphql-ws on a known port, PUBLIC_URL naming it, since
 * Gong signs the URL it calls) over a sandbox, without vitest: the harness (./gateway-harness.ts)
 * and child processes that measure the gateway (test/security/heap-gateway.ts) share it.
 */
import type { Gateway } from '../../src/app.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startGateway } from '../support/gateway.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';

export async function startEventSandbox(): Promise<Sandbox> {
  return startSandbox({
    rateLimit: false,
    users: 10,
    calls: 30,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    webhookRetry: { attempts: 3, delayMs: 50 },
    webhookSigningKey: testWebhookSigningKey(),
  });
}

export interface EventGateway {
  gateway: Gateway;
  publicUrl: string;
  wsUrl: string;
  webhookUrl(ref?: string): string;
  openSubscriptions(): Promise<number>;
  close(): Promise<void>;
}

/** The shared gateway harness (../support/gateway.ts) receiving `sandbox`'s webhooks. */
export async function startEventGateway(
  sandbox: Sandbox,
  env: Record<string, string> = {},
): Promise<EventGateway> {
  const h = await startGateway({ sandbox, env, webhooks: true });
  return {
    gateway: h.gateway,
    publicUrl: h.origin,
    wsUrl: h.wsUrl,
    webhookUrl: h.webhookUrl,
    openSubscriptions: h.openSubscriptions,
    close: h.close,
  };
}
