/**
 * One sandbox and one gateway (API key auth, signed webhooks from the sandbox) per test file, for
 * the suites that drive the gateway with the ecosystem's own clients. `endCall` makes Gong emit a
 * `call.created` webhook; `firstEvent` turns a client's push callbacks into a promise.
 */
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';

export const API_KEY = 'client-suite-key';
// Frozen: a client library that writes into the headers it is given (graphql-sse adds its stream token) must get a copy, or one suite's token leaks into the next.
export const AUTH: Readonly<Record<string, string>> = Object.freeze({
  authorization: `Bearer ${API_KEY}`,
});

export interface ClientSuite {
  sandbox: Sandbox;
  gw: EventGateway;
  url: string;
  /** Ends a call in the sandbox and lets Gong process it: its webhook reaches the gateway. */
  endCall(title: string): Promise<string>;
  close(): Promise<void>;
}

export async function startClientSuite(env: Record<string, string> = {}): Promise<ClientSuite> {
  const sandbox = await startEventSandbox();
  const gw = await startEventGateway(sandbox, { GATEWAY_API_KEYS: API_KEY, ...env });
  sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
  return {
    sandbox,
    gw,
    url: gw.gateway.url,
    async endCall(title) {
      const id = await sandbox.control.endCall({ title, isPrivate: false });
      await sandbox.control.tick();
      return id;
    },
    async close() {
      await gw.close();
      await sandbox.close();
    },
  };
}

/** A promise for the first `n` pushed values (or the first error), and the callbacks to push them. */
export function collect<T>(n = 1): {
  values: T[];
  done: Promise<T[]>;
  next(v: T): void;
  error(e: unknown): void;
} {
  const values: T[] = [];
  let resolve!: (v: T[]) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<T[]>((a, b) => ((resolve = a), (reject = b)));
  return {
    values,
    done,
    next(v) {
      values.push(v);
      if (values.length === n) resolve(values);
    },
    error: (e) => reject(e),
  };
}

/** Waits until exactly `n` subscriptions are open on the gateway (listeners attached or gone). */
export const openSubscriptionsAre = (gw: EventGateway, n: number) =>
  eventually(
    async () => ((await gw.openSubscriptions()) === n ? true : undefined),
    5_000,
    `${n} open subscriptions`,
  );

/** The ids of a list's first `n` nodes as the gateway answers them, without a client in between. */
export async function firstIds(url: string, field: string, n: number): Promise<string[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ ${field}(first: ${n}) { nodes { id } } }` }),
  });
  const body = (await res.json()) as { data: Record<string, { nodes: { id: string }[] }> };
  return body.data[field]!.nodes.map((x) => x.id);
}
