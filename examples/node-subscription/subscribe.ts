/**
 * Prints every `gongCallCreated` event of the gateway, and never misses one across reconnects:
 * it remembers the last eventId and subscribes again with `after: <eventId>`, so the gateway
 * replays what happened while it was away (a deploy closes sockets with 1001, a slow consumer
 * gets 4413). Authentication failures (4401, 4403) stop it.
 *
 *   GATEWAY_WS_URL=ws://localhost:4000/graphql GATEWAY_TOKEN=<api key or JWT> npx tsx examples/node-subscription/subscribe.ts
 *
 * GATEWAY_TOKEN may be left out against the embedded sandbox (`npm start` without credentials).
 * AFTER=<eventId> starts after a known event; `AFTER=0-0` replays the whole retained log.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.env.GATEWAY_WS_URL ?? 'ws://localhost:4000/graphql';
const token = process.env.GATEWAY_TOKEN;
let after: string | undefined = process.env.AFTER;
let delayMs = 500;

const QUERY = `subscription ($after: String) {
  gongCallCreated(after: $after) {
    eventId
    receivedAt
    call { id title started primaryUser { firstName lastName } }
  }
}`;

interface CallCreated {
  gongCallCreated: {
    eventId: string;
    receivedAt: string;
    call: {
      id: string;
      title: string | null;
      started: string;
      primaryUser: { firstName: string | null; lastName: string | null } | null;
    };
  };
}

/** Close codes after which retrying cannot help. */
const FATAL = new Set([4400, 4401, 4403]);

/** One connection: resolves with the close code when the socket closes (or undefined on a clean end). */
function runOnce(): Promise<number | undefined> {
  let closeCode: number | undefined;
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    // Reconnection is ours (below) so that each new subscription carries the latest `after`.
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: {
      connected: () => {
        delayMs = 500;
        console.error(`connected to ${url}${after ? `, resuming after ${after}` : ''}`);
      },
      closed: (e) => {
        const ev = e as { code?: number; reason?: string };
        closeCode = ev.code;
        if (ev.code !== undefined && ev.code !== 1000)
          console.error(`socket closed: ${ev.code} ${ev.reason ?? ''}`);
      },
    },
  });
  return new Promise((resolve) => {
    client.subscribe<CallCreated>(
      { query: QUERY, variables: after ? { after } : {} },
      {
        next: ({ data, errors }) => {
          if (errors) console.error('errors:', JSON.stringify(errors));
          const e = data?.gongCallCreated;
          if (!e) return;
          after = e.eventId; // process first, then remember: at-least-once on the consumer side
          const who = [e.call.primaryUser?.firstName, e.call.primaryUser?.lastName]
            .filter(Boolean)
            .join(' ');
          console.log(
            JSON.stringify({
              eventId: e.eventId,
              callId: e.call.id,
              title: e.call.title,
              started: e.call.started,
              primaryUser: who || null,
            }),
          );
        },
        error: () => {
          void client.dispose();
          resolve(closeCode ?? -1);
        },
        complete: () => {
          void client.dispose();
          resolve(closeCode);
        },
      },
    );
  });
}

for (;;) {
  const code = await runOnce();
  if (code !== undefined && FATAL.has(code)) {
    console.error(`giving up: close code ${code} (check GATEWAY_TOKEN)`);
    process.exit(1);
  }
  // Back off up to 30 s, with jitter so replicas' clients do not all come back at once.
  await new Promise((r) => setTimeout(r, delayMs * (0.5 + Math.random())));
  delayMs = Math.min(delayMs * 2, 30_000);
}
