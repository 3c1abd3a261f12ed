/**
 * The subgraph contract a router relies on, checked the way apollo-federation-subgraph-compatibility
 * checks it (directly against the subgraph, over HTTP, through the real request path): `_service`
 * publishes the Federation 2 `@link` and every `@key`; `_entities` answers each key shape in order
 * with null for misses; and a router fetch of 100 representations costs one Gong request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';

let h: Harness;
beforeAll(async () => {
  // 120 users so that 100 distinct, existing ids fit in one router fetch.
  h = await startHarness({ sandbox: { users: 120, calls: 300 } });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

type Entity = Record<string, unknown> | null;
const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on GongUser { id emailAddress }
    ... on GongCall { id title }
    ... on GongWorkspace { id name }
    ... on GongFlow { id name }
    ... on GongTranscript { callId monologues { speakerId } }
  }
}`;
const entities = (representations: Record<string, unknown>[]) =>
  h.gql<{ _entities: Entity[] }>(ENTITIES, { representations });
const endpoints = () => h.upstream().map((e) => e.endpoint);
/** A well-formed Gong id that the seeded tenant does not have. */
const MISSING = '99999999999999999';

/** Existing ids of the seeded tenant, read through the gateway itself. */
async function seeded(): Promise<{
  users: string[];
  calls: string[];
  workspace: string;
  flow: string;
}> {
  const r = await h.gql<{
    gongUsers: { nodes: { id: string }[] };
    gongWorkspaces: { id: string }[];
    gongFlows: { nodes: { id: string }[] };
  }>(
    '{ gongUsers(first: 100) { nodes { id } } gongWorkspaces { id } gongFlows(first: 1) { nodes { id } } }',
  );
  expect(r.errors).toBeUndefined();
  const workspace = r.data?.gongWorkspaces[0]?.id;
  const flow = r.data?.gongFlows.nodes[0]?.id;
  if (!workspace || !flow) throw new Error('the seeded tenant has no workspace or flow');
  // Public calls that have a transcript: the sandbox's own view of the tenant.
  const calls = h.sandbox.control
    .allCalls()
    .filter((c) => c.metaData.isPrivate !== true)
    .map((c) => c.metaData.id);
  return { users: (r.data?.gongUsers.nodes ?? []).map((u) => u.id), calls, workspace, flow };
}

describe('Federation 2 subgraph contract', () => {
  let ids: Awaited<ReturnType<typeof seeded>>;
  beforeAll(async () => {
    ids = await seeded();
  });

  it('_service { sdl } links Federation v2 and carries every @key', async () => {
    const r = await h.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(r.errors).toBeUndefined();
    const sdl = r.data?._service.sdl ?? '';
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.');
    for (const type of ['GongUser', 'GongCall', 'GongWorkspace', 'GongFlow'])
      expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    expect(sdl).toMatch(/type GongTranscript\s+@key\(fields: "callId"\)/);
    expect(endpoints()).toEqual([]);
  });

  it('_entities resolves every key shape in order, null for misses', async () => {
    const [u1, u2] = ids.users;
    const [c1, c2] = ids.calls;
    const r = await entities([
      { __typename: 'GongUser', id: u2 },
      { __typename: 'GongCall', id: c1 },
      { __typename: 'GongWorkspace', id: ids.workspace },
      { __typename: 'GongUser', id: u1 },
      { __typename: 'GongFlow', id: ids.flow },
      { __typename: 'GongTranscript', callId: c2 },
      { __typename: 'GongWorkspace', id: MISSING },
      { __typename: 'GongFlow', id: MISSING },
      { __typename: 'GongCall', id: MISSING },
    ]);
    expect(r.errors).toBeUndefined();
    const got = r.data?._entities ?? [];
    expect(
      got.map((e) => (e ? `${String(e.__typename)}:${String(e.id ?? e.callId)}` : null)),
    ).toEqual([
      `GongUser:${u2}`,
      `GongCall:${c1}`,
      `GongWorkspace:${ids.workspace}`,
      `GongUser:${u1}`,
      `GongFlow:${ids.flow}`,
      `GongTranscript:${c2}`,
      null,
      null,
      null,
    ]);
    expect(got[0]?.emailAddress).toMatch(/@/);
    expect(got[5]?.monologues).not.toHaveLength(0);
  });

  it('unknown users and transcripts are null, not a failed batch', async () => {
    const [u1] = ids.users;
    const r = await entities([
      { __typename: 'GongUser', id: MISSING },
      { __typename: 'GongUser', id: u1 },
      { __typename: 'GongTranscript', callId: MISSING },
    ]);
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((e) => e?.id ?? e?.callId ?? null)).toEqual([null, u1, null]);
  });

  it('a representation whose key is no Gong id is a miss, and the rest of the fetch still resolves', async () => {
    const [u1] = ids.users;
    const [c1] = ids.calls;
    const r = await entities([
      { __typename: 'GongUser', id: 'not-an-id' },
      { __typename: 'GongUser', id: u1 },
      { __typename: 'GongCall', id: 'x' },
      { __typename: 'GongCall', id: c1 },
      { __typename: 'GongTranscript' },
    ]);
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((e) => e?.id ?? null)).toEqual([null, u1, null, c1, null]);
    expect(endpoints().sort()).toEqual(['POST /v2/calls/extensive', 'POST /v2/users/extensive']);
  });

  it('100 GongUser representations cost one POST /v2/users/extensive', async () => {
    const hundred = ids.users.slice(0, 100);
    expect(hundred).toHaveLength(100);
    const r = await entities(hundred.map((id) => ({ __typename: 'GongUser', id })));
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((e) => e?.id)).toEqual(hundred);
    expect(endpoints()).toEqual(['POST /v2/users/extensive']);
  });

  it('100 GongCall representations cost one POST /v2/calls/extensive', async () => {
    const hundred = ids.calls.slice(0, 100);
    const r = await entities(hundred.map((id) => ({ __typename: 'GongCall', id })));
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((e) => e?.id)).toEqual(hundred);
    expect(endpoints()).toEqual(['POST /v2/calls/extensive']);
  });

  it('100 GongTranscript representations cost one calls batch (their privacy) and one POST /v2/calls/transcript', async () => {
    const hundred = ids.calls.slice(0, 100);
    const r = await entities(hundred.map((callId) => ({ __typename: 'GongTranscript', callId })));
    expect(r.errors).toBeUndefined();
    // Every seeded call is processed, so every one has its transcript.
    expect(r.data?._entities.map((e) => e?.callId)).toEqual(hundred);
    // `_entities` has no includePrivate: each call's privacy is checked before its transcript is read.
    expect(endpoints()).toEqual(['POST /v2/calls/extensive', 'POST /v2/calls/transcript']);
  });

  it("a private call's transcript is never a representation's answer", async () => {
    const hidden = h.sandbox.control.allCalls().find((c) => c.metaData.isPrivate === true)!;
    const r = await entities([{ __typename: 'GongTranscript', callId: hidden.metaData.id }]);
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([null]);
    expect(endpoints()).toEqual(['POST /v2/calls/extensive']);
  });
});
