/**
 * A gateway with webhooks and graphql-ws on a known port (PUBLIC_URL must name it: Gong signs the
 * URL it calls), a sandbox whose webhook rule points at it, and a graphql-ws test client.
 */
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { Sandbox } from '../../src/sandbox/index.js';
import { eventually } from '../support/eventually.js';
import { startEventGateway, startEventSandbox, type EventGateway } from './gateway-start.js';

export { startEventGateway, startEventSandbox, type EventGateway };

export interface Received<T> {
  items: T[];
  errors: unknown[];
  closed?: { code: number; reason: string };
  done: Promise<void>;
  stop(): void;
}

const clients = new Set<Client>();

/** Disposes every test client still open (call before closing the gateway). */
export async function disposeClients(): Promise<void> {
  for (const c of clients) await c.dispose();
  clients.clear();
}

export interface EventFixture {
  sandbox: Sandbox;
  gw: EventGateway;
  /** The sandbox's webhook rule that targets the gateway (`default`). */
  ruleId: string;
}

/**
 * One sandbox and one event gateway for the enclosing describe block, the sandbox's webhook rule
 * pointing at the gateway; test clients, gateway and sandbox are closed after the block. The
 * fields are set once `beforeAll` has run.
 */
export function useEventGateway(env: Record<string, string> = {}): EventFixture {
  const fixture: Partial<EventFixture> = {};
  beforeAll(async () => {
    fixture.sandbox = await startEventSandbox();
    fixture.gw = await startEventGateway(fixture.sandbox, env);
    fixture.ruleId = fixture.sandbox.control.addWebhookRule({
      targetUrl: fixture.gw.webhookUrl(),
    }).id;
  });
  afterAll(async () => {
    await disposeClients();
    await fixture.gw?.close();
    await fixture.sandbox?.close();
  });
  return fixture as EventFixture;
}

/** Subscribes with a fresh client; collects `data[field]` of each event. */
export function subscribe<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  connectionParams: Record<string, unknown> = {},
): Received<T> & { client: Client } {
  let closed: { code: number; reason: string } | undefined;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (e) => {
        const ev = e as { code?: number; reason?: string };
        if (typeof ev.code === 'number') closed = { code: ev.code, reason: ev.reason ?? '' };
      },
    },
  });
  clients.add(client);
  const out: Received<T> & { client: Client } = {
    items: [],
    errors: [],
    client,
    done: Promise.resolve(),
    stop: () => void client.dispose(),
  };
  out.done = new Promise<void>((resolve) => {
    client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (r) => {
          if (r.errors) out.errors.push(...r.errors);
          const value = r.data ? Object.values(r.data)[0] : undefined;
          if (value !== undefined) out.items.push(value);
        },
        error: (e) => {
          out.errors.push(e);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  Object.defineProperty(out, 'closed', { get: () => closed });
  return out;
}

/** Waits until the gateway has `n` open subscriptions (the listener is attached). */
export const subscribed = (gw: EventGateway, n: number) =>
  eventually(
    async () => ((await gw.openSubscriptions()) >= n ? true : undefined),
    5_000,
    `${n} open subscriptions`,
  );

export const CALL_CREATED = `subscription ($after: String, $includeTest: Boolean, $includePrivate: Boolean) {
  gongCallCreated(after: $after, includeTest: $includeTest, includePrivate: $includePrivate) { eventId receivedAt isTest call { id title primaryUser { emailAddress } } }
}`;
export const CALL_CREATED_LIGHT = `subscription ($after: String) { gongCallCreated(after: $after) { eventId call { id title } } }`;
