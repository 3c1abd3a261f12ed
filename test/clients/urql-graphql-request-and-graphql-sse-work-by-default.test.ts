/**
 * urql 6 (the default client, whose queries are GETs without a preflight header; graphcache with
 * default settings; subscriptionExchange over graphql-ws; fetchSubscriptions over SSE),
 * graphql-request (POST and GET) and graphql-sse's own client (distinct and single connection
 * modes) against the gateway, as their READMEs set them up.
 */
import {
  Client,
  cacheExchange,
  fetchExchange,
  gql as urqlGql,
  subscriptionExchange,
} from '@urql/core';
import { cacheExchange as graphcache } from '@urql/exchange-graphcache';
import { GraphQLClient } from 'graphql-request';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { pipe, subscribe as wonkaSubscribe } from 'wonka';
import WebSocket from 'ws';
import type { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../events/support.js';
import {
  AUTH,
  collect,
  openSubscriptionsAre,
  startClientSuite,
  type ClientSuite,
} from './support.js';

let s: ClientSuite;
beforeAll(async () => {
  s = await startClientSuite();
});
afterAll(() => s.close());

const WORKSPACES = '{ gongWorkspaces { id name } }';
const CALL_CREATED = 'subscription { gongCallCreated { eventId call { id title } } }';
type CallCreated = { gongCallCreated: { eventId: string; call: { id: string; title: string } } };

/** fetch that records each request's method. */
function recordingFetch() {
  const methods: string[] = [];
  const f: typeof fetch = (input, init) => {
    methods.push(init?.method ?? 'GET');
    return quietAbortFetch(input, init);
  };
  return { fetch: f, methods };
}

/**
 * urql aborts a request when its operation is torn down and, under Node, leaves the AbortError of
 * the pending fetch or body read unhandled; this fetch ends such requests quietly instead, so the
 * run reports no unhandled rejection (a urql quirk, not the gateway's).
 */
const quietAbortFetch: typeof fetch = async (input, init) => {
  let res: Response;
  try {
    res = await fetch(input, init);
  } catch (e) {
    if (init?.signal?.aborted) return new Response(null, { status: 499 });
    throw e;
  }
  if (!res.body) return res;
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        const { value, done } = await reader.read();
        if (done) c.close();
        else c.enqueue(value);
      } catch {
        c.close();
      }
    },
    cancel: (why) => reader.cancel(why),
  });
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
};

/** Subscribes with a urql client, ends a call, and expects exactly that call as the event. */
async function receivesCallCreated(client: Client, title: string): Promise<void> {
  const got = collect<CallCreated>();
  await openSubscriptionsAre(s.gw, 0);
  const subscription = pipe(
    client.subscription(CALL_CREATED, {}),
    wonkaSubscribe((r) => {
      if (r.error) got.error(r.error);
      else if (r.data) got.next(r.data as CallCreated);
    }),
  );
  await openSubscriptionsAre(s.gw, 1);
  const id = await s.endCall(title);
  expect((await got.done)[0]?.gongCallCreated.call).toEqual({ id, title });
  subscription.unsubscribe();
}

describe('urql', () => {
  it('the default client queries with GET and gets data (no CSRF refusal)', async () => {
    const rec = recordingFetch();
    const client = new Client({
      url: s.url,
      exchanges: [cacheExchange, fetchExchange],
      fetch: rec.fetch,
      fetchOptions: { headers: AUTH },
    });
    const r = await client.query(WORKSPACES, {}).toPromise();
    expect(r.error).toBeUndefined();
    expect((r.data as { gongWorkspaces: unknown[] }).gongWorkspaces.length).toBeGreaterThan(0);
    expect(rec.methods).toEqual(['GET']);
  });

  it('graphcache with default settings shows each call its own tracker counts', async () => {
    const q = urqlGql`{ gongCalls(first: 20) { nodes { id content { trackers { trackerId name count } } } } }`;
    const client = new Client({
      url: s.url,
      exchanges: [graphcache(), fetchExchange],
      fetch: quietAbortFetch,
      fetchOptions: { headers: AUTH },
    });
    const cached = await client.query(q, {}).toPromise();
    const raw = (await (
      await fetch(s.url, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ query: q.loc?.source.body }),
      })
    ).json()) as { data: unknown };
    const strip = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === '__typename' ? undefined : x)));
    expect(strip(cached.data)).toEqual(raw.data);
  });

  it('fetchSubscriptions streams the subscription over HTTP (SSE)', async () => {
    const client = new Client({
      url: s.url,
      exchanges: [cacheExchange, fetchExchange],
      fetchSubscriptions: true,
      fetch: quietAbortFetch,
      fetchOptions: { headers: AUTH },
    });
    await receivesCallCreated(client, 'urql over SSE');
  });

  it('subscriptionExchange over graphql-ws receives call.created', async () => {
    const ws = createWsClient({
      url: s.gw.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: AUTH,
      retryAttempts: 0,
    });
    const client = new Client({
      url: s.url,
      fetch: quietAbortFetch,
      fetchOptions: { headers: AUTH },
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({
              unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
            }),
          }),
        }),
      ],
    });
    await receivesCallCreated(client, 'urql over WebSocket');
    await ws.dispose();
  });
});

describe('graphql-request', () => {
  it('POST and GET both answer', async () => {
    for (const method of ['POST', 'GET'] as const) {
      const client = new GraphQLClient(s.url, { method, headers: AUTH });
      const data = await client.request<{ gongWorkspaces: { id: string }[] }>(WORKSPACES);
      expect(data.gongWorkspaces.length, method).toBeGreaterThan(0);
    }
  });
});

describe("graphql-sse's client", () => {
  for (const singleConnection of [false, true]) {
    it(`receives call.created (${singleConnection ? 'single connection' : 'distinct connections'}) and resumes with after`, async () => {
      const client = createSseClient({
        url: s.url,
        headers: { ...AUTH },
        singleConnection,
        retryAttempts: 0,
      });
      await openSubscriptionsAre(s.gw, 0);
      const live = client.iterate<
        CallCreated['gongCallCreated'] extends infer E ? { gongCallCreated: E } : never
      >({ query: CALL_CREATED });
      const first = live.next();
      await openSubscriptionsAre(s.gw, 1);
      const id = await s.endCall(`graphql-sse ${singleConnection}`);
      const event = (await first).value as { data: CallCreated };
      expect(event.data.gongCallCreated.call).toEqual({
        id,
        title: `graphql-sse ${singleConnection}`,
      });
      await live.return?.(undefined);

      const missed = await s.endCall('missed over SSE');
      const resumed = client.iterate<CallCreated>({
        query:
          'subscription ($after: String) { gongCallCreated(after: $after) { eventId call { id title } } }',
        variables: { after: event.data.gongCallCreated.eventId },
      });
      expect(
        ((await resumed.next()).value as { data: CallCreated }).data.gongCallCreated.call.id,
      ).toBe(missed);
      await resumed.return?.(undefined);
      client.dispose();
    });
  }

  it('refuses a missing credential with 401 and WWW-Authenticate before reserving anything', async () => {
    const inits: RequestInit[] = [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: CALL_CREATED }),
      },
      { method: 'PUT' },
    ];
    for (const init of inits) {
      const res = await fetch(s.url, init);
      expect(res.status, init.method).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
  });

  it('counts each operation over SSE once in gong_gateway_graphql_operations_total', async () => {
    const total = async (type: string) => {
      const metric = s.gw.gateway.metrics.registry.getSingleMetric(
        'gong_gateway_graphql_operations_total',
      ) as Counter | undefined;
      return ((await metric?.get())?.values ?? [])
        .filter((v) => v.labels.type === type && v.labels.outcome === 'success')
        .reduce((n, v) => n + v.value, 0);
    };
    const before = await total('query');
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: WORKSPACES }),
    });
    expect(await res.text()).toContain('event: complete');
    await eventually(
      async () => ((await total('query')) === before + 1 ? true : undefined),
      5_000,
      'one more query counted',
    );
  });

  it('applies the query limits to operations over SSE, answered as the protocol says errors are', async () => {
    const deep = `{ gongCalls(first: 1) { nodes { primaryUser { manager { manager { manager { manager { manager { manager { manager { manager { id } } } } } } } } } } } }`;
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: deep }),
    });
    // graphql-sse: validation errors travel in a `next` of an accepted stream, then `complete`.
    expect(res.status).toBe(200);
    const text = await res.text();
    const next = /event: next\ndata: (.*)\n/.exec(text)?.[1];
    expect(
      (JSON.parse(next ?? '{}') as { errors: { extensions: { code: string } }[] }).errors[0]
        ?.extensions.code,
    ).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(text).toContain('event: complete');
  });
});
