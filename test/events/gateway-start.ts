/**
 * Starting an event gateway (webhooks and graphql-ws on a known port, PUBLIC_URL naming it, since
 * Gong signs the URL it calls) over a sandbox, without vitest: the harness (./gateway-harness.ts)
 * and child processes that measure the gateway (test/security/heap-gateway.ts) share it.
 */
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { freePort } from '../support/ports.js';

export async function startEventSandbox(): Promise<Sandbox> {
  return startSandbox({
    rateLimit: false,
    users: 10,
    calls: 30,
    processingDelayMs: 0,
    transcriptDelayMs: 0,
    webhookRetry: { attempts: 3, delayMs: 50 },
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

export async function startEventGateway(
  sandbox: Sandbox,
  env: Record<string, string> = {},
): Promise<EventGateway> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    LOG_LEVEL: 'silent',
    CACHE_TTL_SECONDS: '0',
    CACHE_MAX_BYTES: '0',
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '1000000',
    GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
    TRANSCRIPT_POLL_INITIAL_SECONDS: '0.05',
    TRANSCRIPT_POLL_MAX_SECONDS: '0.2',
    ...env,
  });
  const gateway = await createGateway(config, { sandbox, logger: silentLogger() });
  return {
    gateway,
    publicUrl,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    webhookUrl: (ref = 'default') => `${publicUrl}/webhooks/gong/${ref}`,
    async openSubscriptions() {
      const m = await gateway.metrics.openSubscriptions.get();
      return m.values.reduce((n, v) => n + v.value, 0);
    },
    close: () => gateway.close(),
  };
}
