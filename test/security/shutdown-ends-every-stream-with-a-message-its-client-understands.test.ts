/**
 * SIGTERM while a subscription is open on every streaming transport. Before, an open SSE or
 * multipart stream held the HTTP drain until SHUTDOWN_TIMEOUT_MS: the process exited 1 after 8 s,
 * WebSockets saw 1006 instead of 1001 and SSE was cut off. Now every stream gets the last word
 * its client understands (SSE: a `next` with SHUTTING_DOWN, then `complete`; multipart: a
 * `payload: null` part with SHUTTING_DOWN; WebSocket: close 1001) and the process exits 0 well
 * within its deadline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, sample } from '../ops/support.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { STREAMING, subscribeOver } from './transports.js';

describe('shutdown with streams open', () => {
  let main: GatewayProcess | undefined;
  afterAll(() => main?.stop(0));

  it('ends SSE (both modes) and multipart with SHUTTING_DOWN, WebSockets with 1001, and exits 0', async () => {
    main = await startGatewayProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SANDBOX_USERS: '5',
      SANDBOX_CALLS: '10',
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const graphqlUrl = main.url;
    const streams = await Promise.all(
      STREAMING.map(async (t) => ({
        t,
        live: await subscribeOver(t, graphqlUrl, 'subscription { gongCallCreated { eventId } }'),
      })),
    );
    await eventually(
      async () =>
        sample(
          await fetch(new URL('/metrics', graphqlUrl)).then((r) => r.text()),
          'gong_gateway_open_subscriptions',
        ) === STREAMING.length
          ? true
          : undefined,
      10_000,
      'every subscription to open',
    );
    main.proc.kill('SIGTERM');
    for (const { t, live } of streams) {
      const end = await live.ended;
      if (t === 'ws') expect(end.closeCode, t).toBe(1001);
      else
        expect(
          end.errors.map((e) => e.code),
          t,
        ).toEqual(['SHUTTING_DOWN']);
    }
    // Exit 0 means the drain finished before SHUTDOWN_TIMEOUT_MS (past it, the process exits 1).
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('shutdown complete');
  }, 30_000);
});
