/**
 * SIGTERM on a real gateway process (`npm start`'s entry point, built; embedded sandbox) while a query is in flight and a
 * subscription is open: new connections are refused, the query completes with data, then the
 * WebSocket closes with 1001 (so clients reconnect elsewhere) and the process exits 0.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import {
  holdNextAnswer,
  startGatewayProcess,
  untilSandboxSaw,
  type GatewayProcess,
} from '../support/gateway-process.js';
import { eventually, sample } from './support.js';

describe('SIGTERM', () => {
  let main: GatewayProcess | undefined;
  afterAll(() => {
    if (main && main.proc.exitCode === null) main.proc.kill('SIGKILL');
  });

  it('drains the in-flight query, closes the subscription with 1001 and exits 0', async () => {
    main = await startGatewayProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SANDBOX_USERS: '20',
      SANDBOX_CALLS: '100',
      SANDBOX_RATE_PER_SECOND: '1000',
      GONG_RATE_PER_SECOND: '1000',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    const graphqlUrl = main.url;
    const sandboxUrl = main.sandboxUrl!;
    const order: string[] = [];

    // An open subscription.
    let closeCode: number | undefined;
    const client = createClient({
      url: graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: {
        closed: (e) => {
          closeCode = (e as { code?: number }).code;
          order.push('socket closed');
        },
      },
    });
    client.subscribe(
      { query: 'subscription { gongCallCreated { eventId } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    const metrics = () => fetch(new URL('/metrics', graphqlUrl)).then((r) => r.text());
    await eventually(
      async () =>
        sample(await metrics(), 'gong_gateway_open_subscriptions') === 1 ? true : undefined,
      10_000,
      'the subscription to open',
    );

    // A query needing two upstream requests in turn (calls, then their users); the second is held
    // 1.5 s by the sandbox. The first one is logged when it is answered: from then on the query is in flight.
    await fetch(`${sandboxUrl}/__sandbox/requests`, { method: 'DELETE' });
    await holdNextAnswer(sandboxUrl, '/v2/users', 1500);
    const query = fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ gongCalls(first: 3) { nodes { id primaryUser { firstName } } } }',
      }),
    })
      .then(async (r) => ({
        status: r.status,
        body: (await r.json()) as {
          data?: { gongCalls?: { nodes: { primaryUser: unknown }[] } };
          errors?: unknown[];
        },
      }))
      .finally(() => order.push('query completed'));
    await untilSandboxSaw(sandboxUrl, '/v2/calls');

    main.proc.kill('SIGTERM');

    // No new connections once shutdown has begun (the query is still held by the sandbox).
    await eventually(
      async () => {
        try {
          await fetch(new URL('/healthz', graphqlUrl), { headers: { connection: 'close' } });
          return undefined;
        } catch {
          return true;
        }
      },
      1_000,
      'new connections to be refused',
    );
    expect(order).not.toContain('query completed');

    const answer = await query;
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.gongCalls?.nodes).toHaveLength(3);
    for (const n of answer.body.data?.gongCalls?.nodes ?? []) expect(n.primaryUser).not.toBeNull();

    const code = await main.exited;
    expect(code).toBe(0);
    await eventually(() => (closeCode !== undefined ? true : undefined), 5_000, 'the close event');
    expect(closeCode).toBe(1001);
    expect(order).toEqual(['query completed', 'socket closed']);
    const logs = main.output();
    expect(logs).toMatch(/"inFlight":1,.*shutting down: no new connections/);
    expect(logs).not.toContain('second signal');
    expect(logs).toContain('shutdown complete');
    void client.dispose();
  });
});
