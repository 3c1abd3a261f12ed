/**
 * The pagination recipes of docs/clients.md with the real clients: Apollo Client's InMemoryCache
 * with the documented type policy accumulates pages of `nodes`, of `edges` and of both through
 * `fetchMore`, and urql's graphcache with the documented `keys` and `relayPagination()` does the
 * same with no "Invalid key" warning over a broad selection. The recipes are the files under
 * examples/pagination/, and the docs quote them as they are.
 */
import { readFileSync } from 'node:fs';
import { ApolloClient, HttpLink, gql, type DocumentNode } from '@apollo/client';
import { Client, fetchExchange } from '@urql/core';
import { buildSchema } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { gongCache } from '../../examples/pagination/apollo-type-policies.js';
import { gongGraphcache } from '../../examples/pagination/urql-graphcache.js';
import { printedSchema } from '../../scripts/print-schema.js';
import { eventually } from '../events/support.js';
import { AUTH, firstIds, startClientSuite, type ClientSuite } from './support.js';

let s: ClientSuite;
beforeAll(async () => {
  s = await startClientSuite();
});
afterAll(() => s.close());

// Either client logs what it dislikes (a cache merge losing data, an entity without a key).
const logged = { warn: vi.spyOn(console, 'warn'), error: vi.spyOn(console, 'error') };
afterEach(() => {
  expect([...logged.warn.mock.calls, ...logged.error.mock.calls]).toEqual([]);
});
afterAll(() => {
  logged.warn.mockRestore();
  logged.error.mockRestore();
});

type Page = {
  nodes?: { id: string }[];
  edges?: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; startCursor: string | null };
};

const ids = (p: Page) => p.nodes?.map((n) => n.id) ?? p.edges!.map((e) => e.node.id);

describe('Apollo Client with the documented type policy', () => {
  /** Watches the first page, then fetches `more` pages after the current end cursor. */
  async function pages(query: DocumentNode, field: string, more: number, repeat = false) {
    const client = new ApolloClient({
      link: new HttpLink({ uri: s.url, headers: AUTH }),
      cache: gongCache(),
    });
    const watch = client.watchQuery<Record<string, Page>>({ query });
    const sub = watch.subscribe(() => {});
    const current = () => watch.getCurrentResult().data?.[field] as Page | undefined;
    const first = await eventually(current, 5_000, 'the first page');
    let last = first;
    for (let i = 0; i < more; i++) {
      const after = last.pageInfo.endCursor;
      await watch.fetchMore({ variables: { after } });
      last = await eventually(
        () => (current() !== last ? current() : undefined),
        5_000,
        'the next page',
      );
      // The same page again (a second click on "more") changes nothing.
      if (repeat) {
        await watch.fetchMore({ variables: { after } });
        expect(client.readQuery<Record<string, Page>>({ query })?.[field]).toEqual(last);
      }
    }
    sub.unsubscribe();
    return { first, all: last };
  }

  it('gongCalls: pages of `nodes` accumulate in order, the list keeps its start cursor', async () => {
    const query = gql`
      query Calls($after: String) {
        gongCalls(first: 3, after: $after) {
          nodes {
            id
            title
          }
          pageInfo {
            hasNextPage
            endCursor
            startCursor
            hasPreviousPage
          }
        }
      }
    `;
    const { first, all } = await pages(query, 'gongCalls', 2);
    expect(ids(all)).toEqual(await firstIds(s.url, 'gongCalls', 9));
    expect(all.pageInfo.startCursor).toBe(first.pageInfo.startCursor);
    expect(all.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('gongTranscripts: pages of `edges` accumulate', async () => {
    const query = gql`
      query Transcripts($after: String) {
        gongTranscripts(first: 2, after: $after) {
          edges {
            cursor
            node {
              id
              callId
            }
          }
          pageInfo {
            hasNextPage
            endCursor
            startCursor
          }
        }
      }
    `;
    const { all } = await pages(query, 'gongTranscripts', 2);
    expect(ids(all)).toEqual(await firstIds(s.url, 'gongTranscripts', 6));
  });

  it('gongUsers: `nodes` and `edges` together, a page fetched twice is kept once', async () => {
    const query = gql`
      query Users($after: String) {
        gongUsers(first: 2, after: $after) {
          nodes {
            id
          }
          edges {
            cursor
            node {
              id
              emailAddress
            }
          }
          pageInfo {
            hasNextPage
            endCursor
            startCursor
          }
        }
      }
    `;
    const { all } = await pages(query, 'gongUsers', 2, true);
    const expected = await firstIds(s.url, 'gongUsers', 6);
    expect(all.nodes!.map((n) => n.id)).toEqual(expected);
    expect(all.edges!.map((e) => e.node.id)).toEqual(expected);
  });
});

describe('urql graphcache with the documented keys and relayPagination()', () => {
  const client = () =>
    new Client({
      url: s.url,
      exchanges: [gongGraphcache(buildSchema(printedSchema())), fetchExchange],
      // urql's own Accept (JSON first, then multipart and event streams): only auth is added.
      fetchOptions: { headers: AUTH },
    });

  it('pages of a broad call selection accumulate, with no warning', async () => {
    const q = `query Calls($after: String) {
      gongCalls(first: 3, after: $after) {
        totalCount
        nodes {
          id title workspace { id name } primaryUser { id settings { emailsImported } spokenLanguages { language } }
          parties { id name user { id } }
          content { trackers { trackerId name count } topics { name duration } pointsOfInterest { actionItems { snippet } } callOutcome { id name } }
          interaction { speakers { partyId talkTime } interactionStats { name value } questions { companyCount } }
          collaboration { publicComments { id comment } }
          transcript { id callId monologues { speakerId sentences { start text } } }
        }
        edges { cursor node { id } }
        pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
      }
    }`;
    const c = client();
    const first = await c.query(q, {}).toPromise();
    expect(first.error).toBeUndefined();
    let page = (first.data as { gongCalls: Page }).gongCalls;
    for (let i = 0; i < 2; i++) {
      const next = await c.query(q, { after: page.pageInfo.endCursor }).toPromise();
      expect(next.error).toBeUndefined();
      page = (next.data as { gongCalls: Page }).gongCalls;
    }
    expect(ids(page)).toEqual(await firstIds(s.url, 'gongCalls', 9));
    expect(page.edges!.map((e) => e.node.id)).toEqual(ids(page));
  });

  it('pages of transcripts (`edges` only) and users accumulate', async () => {
    const c = client();
    for (const [field, n] of [
      ['gongTranscripts', 2],
      ['gongUsers', 3],
    ] as const) {
      const q = `query($after: String) { ${field}(first: ${n}, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
      let page = ((await c.query(q, {}).toPromise()).data as Record<string, Page>)[field]!;
      page = (
        (await c.query(q, { after: page.pageInfo.endCursor }).toPromise()).data as Record<
          string,
          Page
        >
      )[field]!;
      expect(ids(page), field).toEqual(await firstIds(s.url, field, 2 * n));
    }
  });
});

describe('docs/clients.md', () => {
  it('quotes each recipe as the tested file holds it', () => {
    const docs = readFileSync(new URL('../../docs/clients.md', import.meta.url), 'utf8');
    for (const file of ['apollo-type-policies.ts', 'urql-graphcache.ts']) {
      const code = readFileSync(
        new URL(`../../examples/pagination/${file}`, import.meta.url),
        'utf8',
      );
      const body = code.slice(code.indexOf('import '));
      expect(docs, file).toContain(body);
    }
  });
});
