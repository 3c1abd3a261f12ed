/**
 * The second attack pass's memory finding: 20 SSE clients that never read, plus 1,500 webhooks,
 * took the heap from 443 MB to 1,241 MB, and no stream was closed. Measured here in a gateway
 * process of its own with forced collections (`--expose-gc`): N non-reading SSE clients under a
 * flood of large events. What may stay is bounded by configuration: the event log's retention
 * (EVENT_LOG_MAX_EVENTS events), the subscription hub's per-subscriber queue
 * (WS_MAX_PENDING_EVENTS results, shared by identical subscriptions) and one written chunk per
 * socket; every client is ended as too slow. Without the bound each client would hold what the
 * kernel did not take (here about 5 MB each).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, testKeyPair } from '../events/support.js';
import { postWebhook, rawRequest } from './support.js';

const gong = testKeyPair();
const CLIENTS = 6;
const EVENTS = 90;
const TITLE_BYTES = 100_000;
const LOG_EVENTS = 100;
const PENDING = 8;

interface Reply {
  ready?: boolean;
  url?: string;
  webhookUrl?: string;
  heap?: number;
  open?: number;
}

describe('non-reading SSE clients under a webhook flood', () => {
  let child: ChildProcess | undefined;
  const sockets: Socket[] = [];
  afterAll(() => {
    for (const s of sockets) s.destroy();
    child?.kill('SIGKILL');
  });

  it('keep the heap within the configured bounds, and are ended as too slow', async () => {
    const env = {
      GATEWAY_API_KEYS: 'heap-key',
      GONG_WEBHOOK_PUBLIC_KEY: gong.publicKey,
      EVENT_LOG_MAX_EVENTS: String(LOG_EVENTS),
      WS_MAX_PENDING_EVENTS: String(PENDING),
    };
    child = fork(new URL('./heap-gateway.ts', import.meta.url).pathname, [JSON.stringify(env)], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const replies: Reply[] = [];
    child.on('message', (m) => replies.push(m as Reply));
    const ask = async (what: 'heap' | 'open'): Promise<Reply> => {
      const before = replies.length;
      child!.send(what);
      return eventually(() => Promise.resolve(replies[before]), 10_000, what);
    };
    const ready = await eventually(() => Promise.resolve(replies.find((r) => r.ready)), 30_000);
    const port = Number(new URL(ready.url!).port);

    // Warm up every path once (a webhook, an SSE subscription read to its first event).
    await postWebhook(ready.webhookUrl!, gong.privateKey, '930000000000000000', { title: 'warm' });
    const baseline = (await ask('heap')).heap!;

    const body = JSON.stringify({
      query: 'subscription { gongCallCreated { eventId call { id title } } }',
    });
    for (let i = 0; i < CLIENTS; i++) {
      const a = await rawRequest(
        port,
        `POST /graphql HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer heap-key\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      a.socket.pause(); // never reads again
      sockets.push(a.socket);
    }
    await eventually(async () => ((await ask('open')).open === CLIENTS ? true : undefined));

    const title = 'x'.repeat(TITLE_BYTES);
    for (let n = 0; n < EVENTS; n += 6)
      await Promise.all(
        Array.from({ length: 6 }, (_, k) =>
          postWebhook(
            ready.webhookUrl!,
            gong.privateKey,
            `93${String(n + k + 1).padStart(16, '0')}`,
            {
              title,
            },
          ),
        ),
      );
    const after = await ask('heap');
    const grown = after.heap! - baseline;
    // The event log keeps LOG_EVENTS events; the hub PENDING results per group; one chunk per socket.
    const bound = (LOG_EVENTS + PENDING + CLIENTS) * TITLE_BYTES * 1.5 + 8 * 1024 * 1024;
    console.info(
      `heap after ${EVENTS} events of ${TITLE_BYTES} B to ${CLIENTS} non-reading SSE clients: +${(grown / 1048576).toFixed(1)} MiB (bound ${(bound / 1048576).toFixed(1)} MiB)`,
    );
    expect(grown).toBeLessThan(bound);
    expect(after.open).toBe(0);
  }, 60_000);
});
