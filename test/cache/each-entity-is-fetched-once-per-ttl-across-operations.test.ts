/**
 * The shared entity cache spends Gong's budget per change, not per view: a call (per part), its
 * transcript and its users are fetched once per TTL, whichever operation asks; a part no earlier
 * view selected costs a request for that part only; `Cache-Control: no-cache` goes to Gong and
 * refreshes; a private call is never served to a request without includePrivate; the admin
 * mutation forgets calls or a whole connection. Counts come from the sandbox's request log.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../read/harness.js';

const VIEW = `query View($id: ID!) {
  gongCall(id: $id, includePrivate: true) {
    id title
    primaryUser { id emailAddress }
    parties { id name user { id firstName } }
    transcript { monologues { speakerId sentences { text } } }
  }
}`;

let h: Harness;
let clock = Date.now();
let ids: string[];
let privateId: string;

/** Upstream requests of the last operation, by "METHOD path". */
const cost = () => h.sandbox.control.counters();
const view = async (id: string, headers: Record<string, string> = {}) => {
  h.reset();
  const r = await h.gql<{
    gongCall: { id: string; transcript: unknown; parties: unknown[] } | null;
  }>(VIEW, { id }, headers);
  expect(r.errors).toBeUndefined();
  expect(r.data?.gongCall?.id).toBe(id);
  return cost();
};

beforeAll(async () => {
  h = await startHarness({
    sandbox: { users: 12, calls: 40, processingDelayMs: 0, transcriptDelayMs: 0 },
    env: {
      CACHE_MAX_BYTES: String(64 << 20),
      CACHE_CALLS_TTL_SECONDS: '60',
      CACHE_USERS_TTL_SECONDS: '100',
      CACHE_TRANSCRIPTS_TTL_SECONDS: '3600',
    },
    deps: () => ({ now: () => clock }),
  });
  const calls = h.sandbox.control.allCalls();
  ids = calls.filter((c) => c.metaData.isPrivate !== true).map((c) => c.metaData.id);
  privateId =
    calls.find((c) => c.metaData.isPrivate === true)?.metaData.id ??
    (await h.sandbox.control.endCall({ isPrivate: true }));
});
afterAll(() => h.close());

describe('the shared entity cache', () => {
  it('fetches a call, its transcript and its users once per TTL across operations', async () => {
    const id = ids[0]!;
    expect(await view(id)).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/users/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await view(id)).toEqual({});
    expect(await view(id)).toEqual({});

    // Calls expire first (60 s), users next (100 s); the transcript outlives both.
    clock += 61_000;
    expect(await view(id)).toEqual({ 'POST /v2/calls/extensive': 1 });
    clock += 59_000;
    expect(await view(id)).toEqual({ 'POST /v2/users/extensive': 1 });
    expect(await view(id)).toEqual({});
  });

  it('serves a basic-fields view (GET /v2/calls/{id}) from the cache too, whichever endpoint filled it', async () => {
    const basic = async (id: string) => {
      h.reset();
      const r = await h.gql<{ gongCall: { id: string; title: string } | null }>(
        'query ($id: ID!) { gongCall(id: $id) { id title } }',
        { id },
      );
      expect(r.data?.gongCall?.id).toBe(id);
      return cost();
    };
    const fresh = ids[5]!;
    expect(await basic(fresh)).toEqual({ 'GET /v2/calls/{id}': 1 });
    expect(await basic(fresh)).toEqual({});
    // A call the extensive endpoint brought in serves basic views as well.
    await view(ids[0]!);
    expect(await basic(ids[0]!)).toEqual({});
  });

  it('asks Gong only for the parts a view lacks', async () => {
    const id = ids[1]!;
    await view(id);
    h.reset();
    const r = await h.gql<{
      gongCall: { content: { topics: unknown[] | null } | null; parties: unknown[] };
    }>(`query ($id: ID!) { gongCall(id: $id) { parties { name } content { topics { name } } } }`, {
      id,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongCall.parties.length).toBeGreaterThan(0);
    const sent = h.upstream();
    expect(sent.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /v2/calls/extensive']);
    // Parties are cached: only the topics are asked for.
    expect((sent[0]!.body as { contentSelector: unknown }).contentSelector).toEqual({
      exposedFields: { content: { topics: true } },
    });
    // Both parts are now at hand for either kind of view.
    h.reset();
    await h.gql(
      `query ($id: ID!) { gongCall(id: $id) { parties { name } content { topics { name } } } }`,
      { id },
    );
    expect(await view(id)).toEqual({});
  });

  it('goes to Gong on Cache-Control: no-cache, and the refreshed entries serve the next view', async () => {
    const id = ids[2]!;
    await view(id);
    expect(await view(id, { 'cache-control': 'no-cache' })).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/users/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await view(id)).toEqual({});
  });

  it('reads from Gong for every operation of a socket whose connection_init said Cache-Control: no-cache', async () => {
    const id = ids[4]!;
    await view(id);
    const viaSocket = async (connectionParams: Record<string, unknown>) => {
      const client = createClient({
        url: h.gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
      });
      try {
        h.reset();
        const r = await new Promise<{ data?: unknown; errors?: unknown }>((resolve, reject) => {
          let got: { data?: unknown; errors?: unknown } = {};
          client.subscribe(
            { query: VIEW, variables: { id } },
            {
              next: (v) => void (got = v as typeof got),
              error: reject,
              complete: () => resolve(got),
            },
          );
        });
        expect(r.errors).toBeUndefined();
        return cost();
      } finally {
        await client.dispose();
      }
    };
    expect(await viaSocket({})).toEqual({});
    expect(await viaSocket({ 'Cache-Control': 'no-cache' })).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/users/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await viaSocket({ headers: { 'cache-control': 'max-age=0, no-cache' } })).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/users/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
  });

  it('never serves a private call to a request without includePrivate, even from the cache', async () => {
    h.reset();
    const withFlag = await h.gql<{ gongCall: { id: string } | null }>(
      `query ($id: ID!) { gongCall(id: $id, includePrivate: true) { id title parties { name } } }`,
      { id: privateId },
    );
    expect(withFlag.data?.gongCall?.id).toBe(privateId);
    for (const q of [
      `query ($id: ID!) { gongCall(id: $id) { id title parties { name } } }`,
      `query ($id: ID!) { gongCallsByIds(ids: [$id]) { id title parties { name } } }`,
      `query ($id: ID!) { _entities(representations: [{ __typename: "GongCall", id: $id }]) { ... on GongCall { id title parties { name } } } }`,
    ]) {
      h.reset();
      const r = await h.gql<Record<string, unknown>>(q, { id: privateId });
      expect(r.errors).toBeUndefined();
      expect(JSON.stringify(r.data)).not.toContain(privateId);
      // Served (and refused) from the cache: the call was known to be private without asking Gong.
      expect(cost()).toEqual({});
    }
  });

  it('forgets the given calls, or a whole connection, on gongEvictCache', async () => {
    const id = ids[3]!;
    await view(id);
    const evict = async (callIds?: string[]) => {
      const r = await h.gql<{ gongEvictCache: number }>(
        'mutation ($c: [ID!]) { gongEvictCache(connectionRef: "default", callIds: $c) }',
        { c: callIds ?? null },
      );
      expect(r.errors).toBeUndefined();
      return r.data?.gongEvictCache;
    };
    expect(await evict([id])).toBe(1);
    // The call and its transcript are gone; its users are not.
    expect(await view(id)).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await evict()).toBe(0);
    expect(await view(id)).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/users/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    const bad = await h.gql(
      'mutation { gongEvictCache(connectionRef: "default", callIds: ["not-an-id"]) }',
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('feeds by-id views from list reads: a listed call and its users cost nothing to view', async () => {
    h.reset();
    const list = await h.gql<{ gongCalls: { nodes: { id: string }[] } }>(
      `{ gongCalls(first: 5) { nodes { id title primaryUser { id emailAddress } parties { id name user { id firstName } } } } }`,
    );
    expect(list.errors).toBeUndefined();
    const id = list.data!.gongCalls.nodes.at(-1)!.id;
    h.reset();
    const r = await h.gql(
      `query ($id: ID!) { gongCall(id: $id) { id title primaryUser { id emailAddress } parties { id name user { id firstName } } } }`,
      { id },
    );
    expect(r.errors).toBeUndefined();
    expect(cost()).toEqual({});
  });
});
