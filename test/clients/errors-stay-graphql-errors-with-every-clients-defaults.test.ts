/**
 * Each client with its default settings gets the answer it expects, and a refused operation
 * reaches it as GraphQL errors with their `extensions.code`, not as a network failure:
 * - urql's default client in Node (its Accept lists `text/event-stream` after JSON): queries get
 *   JSON, so no event stream is opened and aborted under it (it crashed with AbortError inside
 *   wonka before); a validation error is a CombinedError with its code;
 * - graphql-sse's client, both modes: a bad `after` and an invalid document arrive as a `next`
 *   with `{ errors }`, then `complete` (its client turns any non-2xx into a NetworkError);
 * - Apollo Client's multipart subscriptions: an operation the pipeline refuses is a
 *   `payload: null` part with its errors (one its resolver refuses, a payload with errors); a
 *   refused credential keeps its 401, in `application/graphql-response+json` so Apollo Client
 *   reads the code from the body;
 * - a rate-limited answer carries `Retry-After`, in seconds, as `extensions.retryAfter` says.
 */
import {
  ApolloClient,
  CombinedGraphQLErrors,
  CombinedProtocolErrors,
  HttpLink,
  InMemoryCache,
  gql,
} from '@apollo/client';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, startClientSuite, type ClientSuite } from './support.js';

let s: ClientSuite;
beforeAll(async () => {
  s = await startClientSuite();
});
afterAll(() => s.close());

const BAD_AFTER = 'subscription { gongCallCreated(after: "not-an-event-id") { eventId } }';
const INVALID = 'subscription { gongCallCreated { noSuchField } }';
const codesOf = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) =>
  (errors ?? []).map((e) => e.extensions?.code);

describe("urql's default client in Node", () => {
  const URQL_ACCEPT =
    'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed';

  it('its default Accept gets JSON for a query, never an event stream', async () => {
    const res = await fetch(`${s.url}?query=${encodeURIComponent('{ gongWorkspaces { id } }')}`, {
      headers: { ...AUTH, accept: URQL_ACCEPT },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(((await res.json()) as { data: unknown }).data).toBeTruthy();
  });

  it('queries and gets GraphQL errors with their codes, with its own fetch and exchanges', async () => {
    const client = new Client({
      url: s.url,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: AUTH },
    });
    for (let i = 0; i < 5; i++) {
      const ok = await client.query(`{ gongWorkspaces { id name } }`, {}).toPromise();
      expect(ok.error).toBeUndefined();
      const bad = await client.query(`{ gongWorkspaces { id noSuchField } }`, {}).toPromise();
      expect(codesOf(bad.error?.graphQLErrors)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });
});

describe("graphql-sse's client: refused operations are GraphQL errors", () => {
  for (const singleConnection of [false, true])
    it(`${singleConnection ? 'single connection' : 'distinct connections'}: a bad after and an invalid document`, async () => {
      const client = createSseClient({
        url: s.url,
        headers: { ...AUTH },
        singleConnection,
        retryAttempts: 0,
      });
      for (const [query, code] of [
        [BAD_AFTER, 'BAD_USER_INPUT'],
        [INVALID, 'GRAPHQL_VALIDATION_FAILED'],
      ] as const) {
        const results: { errors?: { extensions?: Record<string, unknown> }[] }[] = [];
        for await (const r of client.iterate({ query }))
          results.push(r as (typeof results)[number]);
        expect(results).toHaveLength(1);
        expect(codesOf(results[0]?.errors)).toEqual([code]);
      }
      client.dispose();
    });
});

describe("Apollo Client's multipart subscriptions", () => {
  const subscribe = (headers: Record<string, string>, query: string) =>
    new Promise<unknown>((resolve) => {
      const client = new ApolloClient({
        link: new HttpLink({ uri: s.url, headers }),
        cache: new InMemoryCache(),
      });
      const sub = client.subscribe({ query: gql(query) }).subscribe({
        next: (r) => {
          if (r.error) {
            resolve(r.error);
            sub.unsubscribe();
          }
        },
        error: (e) => resolve(e),
        complete: () => resolve('complete'),
      });
    });

  it('an invalid subscription is a `payload: null` part: a protocol error carrying its code', async () => {
    const e = await subscribe(AUTH, INVALID);
    expect(CombinedProtocolErrors.is(e)).toBe(true);
    expect(codesOf((e as CombinedProtocolErrors).errors)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('a subscription its resolver refuses (a bad after) is a GraphQL error carrying its code', async () => {
    const e = await subscribe(AUTH, BAD_AFTER);
    expect(CombinedGraphQLErrors.is(e)).toBe(true);
    expect(codesOf((e as CombinedGraphQLErrors).errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('a 401 keeps its status and its code is read from the body', async () => {
    const e = await subscribe({}, 'subscription { gongCallCreated { eventId } }');
    expect(CombinedGraphQLErrors.is(e)).toBe(true);
    expect(codesOf((e as CombinedGraphQLErrors).errors)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('rate-limited answers', () => {
  let limited: ClientSuite;
  beforeAll(async () => {
    limited = await startClientSuite({ GONG_DAILY_BUDGET: '1' });
  });
  afterAll(() => limited.close());

  it('carry Retry-After, the seconds extensions.retryAfter names', async () => {
    const ask = (query: string) =>
      fetch(limited.url, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
    expect((await ask('{ gongWorkspaces { id } }')).status).toBe(200);
    const res = await ask('{ gongUsers(first: 1) { nodes { id } } }');
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions.code).toBe('UPSTREAM_RATE_LIMITED');
    const after = body.errors[0]?.extensions.retryAfter;
    expect(typeof after).toBe('number');
    expect(res.headers.get('retry-after')).toBe(String(after));
  });
});
