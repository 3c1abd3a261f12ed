/**
 * `gongCallCreated` through a real federation router: Hive Gateway's runtime
 * (`@graphql-hive/gateway-runtime`, npm, Node 20) serves a supergraph of the Gong subgraph and the
 * CRM subgraph (examples/federation). The router subscribes to the Gong subgraph over graphql-ws
 * (`graphql-transport-ws`) on `/graphql`, authenticated with an API key in `connection_init`; a
 * client subscribes to the router over SSE; the sandbox ends a call and fires a signed webhook at
 * the gateway; the event reaches the client joined with the CRM's `GongUser.ownedAccounts`.
 * Without the key in `connection_init` (even with `propagateHeaders`) the subgraph refuses the
 * router's WebSocket. The configuration is the one docs/federation.md §3 documents.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsFromCalls,
  startCrmSubgraph,
  type Account,
  type CrmSubgraph,
} from '../../examples/federation/crm-subgraph.js';
import { composeSupergraph, type SubgraphEndpoint } from '../../examples/federation/supergraph.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  subscribed,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';

const ROUTER_KEY = 'hive-router-test-key';
const BEARER = `Bearer ${ROUTER_KEY}`;

let sandbox: Sandbox;
let gw: EventGateway;
let crm: CrmSubgraph;
let accounts: Account[];
let supergraphSdl: string;
const routers: HiveRouter[] = [];
const streams: SseStream[] = [];

interface HiveRouter {
  runtime: GatewayRuntime;
  server: Server;
  url: string;
}

/**
 * The Hive Gateway configuration under test, minus the supergraph. `withSubscriptionAuth: false`
 * leaves out the API key on the WebSocket leg (for the refusal test).
 */
function hiveTransportEntries(withSubscriptionAuth: boolean) {
  return {
    gong: {
      // HTTP leg (queries, mutations, `_entities`): the router's API key on every request.
      headers: [['authorization', BEARER]] as [string, string][],
      options: {
        subscriptions: {
          kind: 'ws',
          location: '/graphql', // same path as HTTP; resolved against the subgraph URL → ws://…/graphql
          options: withSubscriptionAuth ? { connectionParams: { authorization: BEARER } } : {},
        },
      },
    },
  };
}

async function startHiveRouter(opts: {
  withSubscriptionAuth: boolean;
  propagateClientAuthorization?: boolean;
}): Promise<HiveRouter> {
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    transportEntries: hiveTransportEntries(opts.withSubscriptionAuth),
    ...(opts.propagateClientAuthorization
      ? {
          propagateHeaders: {
            fromClientToSubgraphs: ({ request }) => ({
              authorization: request.headers.get('authorization') ?? '',
            }),
          },
        }
      : {}),
    logging: false,
    landingPage: false,
  });
  const server = createServer(runtime.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const router = { runtime, server, url: `http://127.0.0.1:${port}/graphql` };
  routers.push(router);
  return router;
}

interface SseStream {
  status: number;
  results: ExecutionResult[];
  ended: boolean;
  stop(): void;
}

/** A GraphQL-over-SSE subscription (Yoga's "distinct connections" mode): POST, `Accept: text/event-stream`. */
async function subscribeSse(
  url: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  });
  const stream: SseStream = {
    status: res.status,
    results: [],
    ended: false,
    stop: () => abort.abort(),
  };
  streams.push(stream);
  const reader = res.body?.getReader();
  if (!reader) throw new Error(`no SSE body (HTTP ${res.status})`);
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines
            .find((l) => l.startsWith('event:'))
            ?.slice(6)
            .trim();
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (event === 'complete') stream.ended = true;
          else if (data) stream.results.push(JSON.parse(data) as ExecutionResult);
        }
      }
    } catch {
      // aborted by stop()
    } finally {
      stream.ended = true;
    }
  })();
  return stream;
}

beforeAll(async () => {
  sandbox = await startEventSandbox();
  gw = await startEventGateway(sandbox, { GATEWAY_API_KEYS: ROUTER_KEY });
  sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
  accounts = accountsFromCalls(sandbox.control.allCalls(), 20);
  crm = await startCrmSubgraph(accounts);
  const subgraphs: SubgraphEndpoint[] = [
    { name: 'gong', url: gw.gateway.url, headers: { authorization: BEARER } },
    { name: 'crm', url: crm.url },
  ];
  supergraphSdl = await composeSupergraph(subgraphs);
});

afterAll(async () => {
  for (const s of streams) s.stop();
  for (const r of routers) {
    r.server.closeAllConnections();
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
    await r.runtime.dispose(); // closes the router's WebSockets to the Gong subgraph
  }
  await crm?.close();
  await gw?.close();
  await sandbox?.close();
});

const SUBSCRIPTION = /* GraphQL */ `
  subscription {
    gongCallCreated {
      eventId
      call {
        id
        title
        primaryUser {
          id
          emailAddress
          ownedAccounts {
            id
            name
          }
        }
      }
    }
  }
`;

interface CallCreated {
  gongCallCreated: {
    eventId: string;
    call: {
      id: string;
      title: string | null;
      primaryUser: {
        id: string;
        emailAddress: string | null;
        ownedAccounts: { id: string; name: string }[];
      } | null;
    };
  };
}

describe('gongCallCreated through Hive Gateway (federation router, graphql-ws to the subgraph)', () => {
  it('a signed Gong webhook reaches an SSE subscriber of the router, joined with the CRM subgraph', async () => {
    const router = await startHiveRouter({ withSubscriptionAuth: true });
    const account = accounts[0];
    if (!account) throw new Error('no CRM account');
    const owner = sandbox.control
      .allCalls()
      .find((c) => c.metaData.primaryUserId === account.ownerId);
    expect(owner).toBeDefined();

    const stream = await subscribeSse(router.url, SUBSCRIPTION);
    expect(stream.status).toBe(200);
    // The router opened its graphql-ws subscription on the Gong subgraph (authenticated: a refused
    // connection_init never registers a subscription).
    await subscribed(gw, 1);

    const callId = await sandbox.control.endCall({
      title: 'Hive-routed renewal',
      primaryUserId: account.ownerId,
    });
    await sandbox.control.tick();

    const first = await eventually(
      () => stream.results[0],
      5_000,
      'the event through Hive Gateway',
    );
    expect(first.errors).toBeUndefined();
    const event = (first.data as CallCreated | undefined)?.gongCallCreated;
    expect(event?.eventId).toEqual(expect.any(String));
    expect(event?.call).toMatchObject({
      id: callId,
      title: 'Hive-routed renewal',
      primaryUser: { id: account.ownerId },
    });
    expect(event?.call.primaryUser?.emailAddress).toMatch(/@/);
    // The CRM field came from an `_entities` fetch the router made for this event.
    expect(event?.call.primaryUser?.ownedAccounts).toContainEqual({
      id: account.id,
      name: account.name,
    });

    stream.stop();
    // Closing the client stream ends the router's subscription on the subgraph.
    await eventually(
      async () => ((await gw.openSubscriptions()) === 0 ? true : undefined),
      5_000,
      'the subgraph subscription to end',
    );
  });

  it('without the API key in connection_init the subgraph refuses the router’s WebSocket, even with propagateHeaders', async () => {
    // propagateHeaders puts the client's header into the subgraph request's `extensions.headers`:
    // HTTP fetches send it as a header, but the ws transport only sends it inside the `subscribe`
    // message, where the subgraph does not look for credentials.
    const router = await startHiveRouter({
      withSubscriptionAuth: false,
      propagateClientAuthorization: true,
    });
    const stream = await subscribeSse(router.url, 'subscription { gongCallCreated { eventId } }', {
      authorization: BEARER,
    });
    const result = await eventually(() => stream.results[0], 5_000, 'an error from the router');
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(await gw.openSubscriptions()).toBe(0);
  });
});
