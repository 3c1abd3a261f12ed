/**
 * Apollo Client 4, as a user sets it up, against the gateway: HttpLink queries with a default
 * InMemoryCache that shows each call's own tracker counts, BatchHttpLink (one HTTP request for a
 * batch; a batch over the cap is a 400), error codes and a 401 that challenges, subscriptions over
 * GraphQLWsLink and over HttpLink's multipart protocol (with `after` resume), clientAwareness
 * headers allowed by CORS, and the legacy subprotocol closed with 4406.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY,
  AUTH,
  collect,
  openSubscriptionsAre,
  startClientSuite,
  type ClientSuite,
} from './support.js';

let s: ClientSuite;
beforeAll(async () => {
  s = await startClientSuite({ CORS_ORIGINS: 'http://app.example', GRAPHQL_MAX_BATCH_SIZE: '3' });
});
afterAll(() => s.close());

/** fetch that counts the HTTP requests a link makes. */
function countingFetch() {
  const seen: { method: string; accept: string | null }[] = [];
  const f: typeof fetch = (input, init) => {
    seen.push({ method: init?.method ?? 'GET', accept: new Headers(init?.headers).get('accept') });
    return fetch(input, init);
  };
  return { fetch: f, seen };
}

const TRACKERS = gql`
  query Trackers {
    gongCalls(first: 20) {
      __typename
      nodes {
        __typename
        id
        content {
          __typename
          trackers {
            __typename
            trackerId
            name
            count
          }
        }
      }
    }
  }
`;

type TrackersData = {
  gongCalls: {
    nodes: {
      id: string;
      content: { trackers: { trackerId: string; name: string; count: number }[] | null } | null;
    }[];
  };
};

describe('Apollo Client', () => {
  it('a default InMemoryCache shows every call its own tracker counts', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: s.url, headers: AUTH }),
      cache: new InMemoryCache(),
    });
    const { data, error } = await client.query<TrackersData>({ query: TRACKERS });
    expect(error).toBeUndefined();
    // What the wire said, without any cache in between.
    const raw = (await (
      await fetch(s.url, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ query: TRACKERS.loc?.source.body }),
      })
    ).json()) as { data: TrackersData };
    expect(data).toEqual(raw.data);
    // The case a merging cache got wrong: one tracker, different counts in different calls.
    const counts = new Map<string, Set<number>>();
    for (const n of raw.data.gongCalls.nodes)
      for (const t of n.content?.trackers ?? [])
        counts.set(t.trackerId, (counts.get(t.trackerId) ?? new Set()).add(t.count));
    expect([...counts.values()].some((c) => c.size > 1)).toBe(true);
    // Read back from the cache alone: still each call's own counts.
    expect(client.readQuery({ query: TRACKERS })).toEqual(raw.data);
  });

  it('transcripts normalise by their own id, apart from their call', async () => {
    const cache = new InMemoryCache();
    const client = new ApolloClient({ link: new HttpLink({ uri: s.url, headers: AUTH }), cache });
    const { data } = await client.query<{
      gongTranscripts: { nodes: { id: string; callId: string }[] };
    }>({
      query: gql`
        {
          gongTranscripts(first: 2) {
            nodes {
              id
              callId
              monologues {
                speakerId
              }
            }
          }
        }
      `,
    });
    const first = data?.gongTranscripts.nodes[0];
    expect(first?.id).toBe(`transcript:${first?.callId}`);
    expect(cache.extract()[`GongTranscript:${first?.id}`]).toBeDefined();
  });

  it('errors keep their code; a missing credential is a 401 with WWW-Authenticate', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: s.url, headers: AUTH }),
      cache: new InMemoryCache(),
    });
    const bad = await client.query({
      query: gql`
        {
          gongUsers(first: 0) {
            nodes {
              id
            }
          }
        }
      `,
      errorPolicy: 'all',
    });
    expect(
      (bad.error as { errors?: { extensions?: { code?: string } }[] } | undefined)?.errors?.[0]
        ?.extensions?.code,
    ).toBe('BAD_USER_INPUT');

    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(
      ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions
        .code,
    ).toBe('UNAUTHENTICATED');
  });

  it('BatchHttpLink sends one HTTP request per batch; a batch over GRAPHQL_MAX_BATCH_SIZE is a 400', async () => {
    const counted = countingFetch();
    const client = new ApolloClient({
      link: new BatchHttpLink({ uri: s.url, headers: AUTH, fetch: counted.fetch, batchMax: 10 }),
      cache: new InMemoryCache(),
    });
    const [a, b] = await Promise.all([
      client.query<{ gongWorkspaces: { id: string }[] }>({
        query: gql`
          query A {
            gongWorkspaces {
              id
              name
            }
          }
        `,
      }),
      client.query<{ gongUsers: { nodes: { id: string }[] } }>({
        query: gql`
          query B {
            gongUsers(first: 2) {
              nodes {
                id
              }
            }
          }
        `,
      }),
    ]);
    expect(a.data?.gongWorkspaces.length).toBeGreaterThan(0);
    expect(b.data?.gongUsers.nodes).toHaveLength(2);
    expect(counted.seen).toHaveLength(1);

    const four = Array.from({ length: 4 }, () => ({ query: '{ __typename }' }));
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(four),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('GRAPHQL_MAX_BATCH_SIZE');
    // Each operation of a batch passes the usual limits (here the depth limit).
    const deep = `{ gongCalls(first: 1) { nodes { primaryUser { manager { manager { manager { manager { manager { manager { manager { manager { id } } } } } } } } } } } }`;
    const limited = await fetch(s.url, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: deep }]),
    });
    const [ok, refused] = (await limited.json()) as {
      data?: unknown;
      errors?: { extensions: { code: string } }[];
    }[];
    expect(ok?.data).toEqual({ __typename: 'Query' });
    expect(refused?.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a subscription over GraphQLWsLink receives call.created', async () => {
    const ws = createClient({
      url: s.gw.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: AUTH,
      retryAttempts: 0,
    });
    const client = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
    const got = collect<{ gongCallCreated: { call: { id: string; title: string } } }>();
    await openSubscriptionsAre(s.gw, 0);
    const sub = client
      .subscribe({
        query: gql`
          subscription {
            gongCallCreated {
              eventId
              call {
                id
                title
              }
            }
          }
        `,
      })
      .subscribe({ next: (r) => r.data && got.next(r.data as never), error: (e) => got.error(e) });
    await openSubscriptionsAre(s.gw, 1);
    const id = await s.endCall('Apollo over WebSocket');
    const [event] = await got.done;
    expect(event?.gongCallCreated.call).toEqual({
      __typename: 'GongCall',
      id,
      title: 'Apollo over WebSocket',
    });
    sub.unsubscribe();
    await ws.dispose();
  });

  it('HttpLink alone (no split link) subscribes over multipart HTTP, and resumes with after', async () => {
    const counted = countingFetch();
    const client = new ApolloClient({
      link: new HttpLink({ uri: s.url, headers: AUTH, fetch: counted.fetch }),
      cache: new InMemoryCache(),
    });
    const SUB = gql`
      subscription ($after: String) {
        gongCallCreated(after: $after) {
          eventId
          call {
            id
            title
          }
        }
      }
    `;
    const got = collect<{
      gongCallCreated: { eventId: string; call: { id: string; title: string } };
    }>();
    await openSubscriptionsAre(s.gw, 0);
    const sub = client
      .subscribe({ query: SUB })
      .subscribe({ next: (r) => r.data && got.next(r.data as never), error: (e) => got.error(e) });
    await openSubscriptionsAre(s.gw, 1);
    const id = await s.endCall('Apollo over multipart');
    const [event] = await got.done;
    expect(event?.gongCallCreated.call).toMatchObject({ id, title: 'Apollo over multipart' });
    expect(counted.seen[0]?.accept).toContain('subscriptionSpec=1.0');
    sub.unsubscribe();

    // Away for one event: `after` the last one seen delivers exactly the missed one first.
    const missed = await s.endCall('Missed while away');
    const resumed = collect<{ gongCallCreated: { call: { id: string } } }>();
    const again = client
      .subscribe({ query: SUB, variables: { after: event?.gongCallCreated.eventId } })
      .subscribe({
        next: (r) => r.data && resumed.next(r.data as never),
        error: (e) => resumed.error(e),
      });
    const [first] = await resumed.done;
    expect(first?.gongCallCreated.call.id).toBe(missed);
    again.unsubscribe();
  });

  it('a subscription over plain JSON HTTP is a 400 naming the transports that stream', async () => {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: 'subscription { gongCallCreated { eventId } }' }),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    for (const name of ['graphql-transport-ws', 'text/event-stream', 'subscriptionSpec'])
      expect(text).toContain(name);
  });

  it('CORS lets a browser send clientAwareness and the default Accept headers', async () => {
    const res = await fetch(s.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'apollographql-client-name,apollographql-client-version,accept,content-type,authorization',
      },
    });
    expect(res.status).toBe(204);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    for (const h of [
      'apollographql-client-name',
      'apollographql-client-version',
      'accept',
      'content-type',
      'authorization',
    ])
      expect(allowed).toContain(h);
    // And the client sends them for real.
    const client = new ApolloClient({
      link: ApolloLink.from([new HttpLink({ uri: s.url, headers: AUTH })]),
      cache: new InMemoryCache(),
      clientAwareness: { name: 'web', version: '1.2.3' },
    });
    expect(
      (
        await client.query({
          query: gql`
            {
              __typename
            }
          `,
        })
      ).data,
    ).toEqual({ __typename: 'Query' });
  });

  it('the legacy graphql-ws subprotocol (subscriptions-transport-ws) is closed with 4406', async () => {
    const socket = new WebSocket(s.gw.wsUrl, 'graphql-ws', {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(closed).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });
  });
});
