/**
 * Every read root field end to end (HTTP → gateway → sandbox): paging to the end, batch lookups
 * in order with nulls, private calls, the flows full read, transcripts and federation references.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 20, calls: 230 } });
});
afterAll(() => h.close());

type Conn<T> = {
  totalCount: number;
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    endCursor: string | null;
    hasPreviousPage: boolean;
    startCursor: string | null;
  };
};

async function pageAll<T>(
  field: string,
  selection: string,
  first: number,
  args = '',
): Promise<{ nodes: T[]; pages: Conn<T>[] }> {
  const pages: Conn<T>[] = [];
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const r = await h.gql<Record<string, Conn<T>>>(
      `query($after: String) { ${field}(first: ${first}, after: $after${args}) { totalCount nodes { ${selection} } edges { cursor node { ${selection} } } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }`,
      { after },
    );
    expect(r.errors).toBeUndefined();
    const page = r.data?.[field] as Conn<T>;
    // Relay's PageInfo: pages go forward only, so edges come before every page but the first.
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    pages.push(page);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { nodes: pages.flatMap((p) => p.nodes), pages };
}

const unique = (ids: string[]) => new Set(ids).size === ids.length;

describe('users', () => {
  it('pages gongUsers to the end with totalCount and hasNextPage false on the last page', async () => {
    const { nodes, pages } = await pageAll<{ id: string }>('gongUsers', 'id', 7);
    expect(pages.length).toBeGreaterThan(2);
    expect(nodes.length).toBe(pages[0]?.totalCount);
    expect(unique(nodes.map((n) => n.id))).toBe(true);
    expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
    for (const p of pages) expect(p.edges.map((e) => e.node)).toEqual(p.nodes);
  });

  it('gongUser, gongUsersByIds keep order and give null for unknown ids; manager links', async () => {
    const list = await h.gql<{ gongUsers: { nodes: { id: string; managerId: string | null }[] } }>(
      '{ gongUsers(first: 50) { nodes { id managerId } } }',
    );
    const users = list.data?.gongUsers.nodes ?? [];
    const withManager = users.find((u) => u.managerId);
    const [a, b] = users;
    const r = await h.gql<{
      gongUser: { id: string; manager: { id: string } | null };
      gongUsersByIds: ({ id: string } | null)[];
    }>(
      `query($id: ID!, $ids: [ID!]!) { gongUser(id: $id) { id manager { id } } gongUsersByIds(ids: $ids) { id } }`,
      { id: withManager?.id, ids: [b?.id, '99999', a?.id] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongUser).toEqual({
      id: withManager?.id,
      manager: { id: withManager?.managerId },
    });
    expect(r.data?.gongUsersByIds).toEqual([{ id: b?.id }, null, { id: a?.id }]);
    const missing = await h.gql('{ gongUser(id: "12345") { id } }');
    expect(missing).toMatchObject({ data: { gongUser: null } });
  });
});

describe('workspaces and flows', () => {
  it('gongWorkspaces lists them and gongWorkspace finds one or null', async () => {
    const r = await h.gql<{ gongWorkspaces: { id: string; name: string }[] }>(
      '{ gongWorkspaces { id name } }',
    );
    const ws = r.data?.gongWorkspaces ?? [];
    expect(ws.length).toBeGreaterThan(0);
    const one = await h.gql(
      `{ a: gongWorkspace(id: "${ws[0]?.id}") { id name } b: gongWorkspace(id: "1") { id } }`,
    );
    expect(one.data).toEqual({ a: ws[0], b: null });
  });

  it('gongFlows without ownerEmail fans out over the active users and de-duplicates by id', async () => {
    const users =
      (
        await h.gql<{ gongUsers: { nodes: { emailAddress: string; active: boolean }[] } }>(
          '{ gongUsers(first: 100) { nodes { emailAddress active } } }',
        )
      ).data?.gongUsers.nodes ?? [];
    const active = users.filter((u) => u.active);
    h.reset();
    const { nodes, pages } = await pageAll<{ id: string; name: string }>(
      'gongFlows',
      'id name',
      100,
    );
    const flowRequests = h.upstream().filter((e) => e.path === '/v2/flows');
    const owners = new Set(flowRequests.map((e) => e.query.flowOwnerEmail));
    expect(owners).toEqual(new Set(active.map((u) => u.emailAddress)));
    expect(nodes.length).toBeGreaterThan(0);
    expect(unique(nodes.map((n) => n.id))).toBe(true);
    expect(nodes.length).toBe(pages[0]?.totalCount);
    // Company flows are listed for every owner, so de-duplication is what keeps them single.
    let perOwnerTotal = 0;
    const union = new Set<string>();
    const licensed = flowRequests
      .filter((e) => e.status === 200)
      .map((e) => e.query.flowOwnerEmail);
    expect(licensed.length).toBeGreaterThan(1);
    for (const email of licensed) {
      const one = await h.gql<{ gongFlows: { totalCount: number; nodes: { id: string }[] } }>(
        `{ gongFlows(ownerEmail: "${email}") { totalCount nodes { id } } }`,
      );
      expect(one.errors).toBeUndefined();
      for (const f of one.data?.gongFlows.nodes ?? []) union.add(f.id);
      perOwnerTotal += one.data?.gongFlows.totalCount ?? 0;
    }
    expect(new Set(nodes.map((n) => n.id))).toEqual(union);
    expect(perOwnerTotal).toBeGreaterThan(nodes.length);
  });
});

describe('calls', () => {
  it('pages gongCalls (includePrivate) to the end: every call once, count = totalCount', async () => {
    const { nodes, pages } = await pageAll<{ id: string }>(
      'gongCalls',
      'id',
      40,
      ', filter: { includePrivate: true }',
    );
    expect(nodes.length).toBe(pages[0]?.totalCount);
    expect(nodes.length).toBe(230);
    expect(unique(nodes.map((n) => n.id))).toBe(true);
    expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
  });

  it('leaves private calls out by default and includes them with includePrivate: true', async () => {
    const all = h.sandbox.control.allCalls();
    const privateIds = all.filter((c) => c.metaData.isPrivate).map((c) => c.metaData.id);
    expect(privateIds.length).toBeGreaterThan(0);
    const { nodes } = await pageAll<{ id: string; isPrivate: boolean }>(
      'gongCalls',
      'id isPrivate',
      100,
    );
    expect(nodes.some((n) => n.isPrivate)).toBe(false);
    expect(nodes.length).toBe(all.length - privateIds.length);
    const pid = privateIds[0] as string;
    const r = await h.gql(
      `{ a: gongCall(id: "${pid}") { id } b: gongCall(id: "${pid}", includePrivate: true) { id isPrivate } c: gongCallsByIds(ids: ["${pid}"]) { id } }`,
    );
    expect(r.data).toEqual({ a: null, b: { id: pid, isPrivate: true }, c: [null] });
  });

  it('gongCall and gongCallsByIds keep order, null for unknown ids, and filter by ids/primaryUserIds/workspace', async () => {
    const pub = h.sandbox.control.allCalls().filter((c) => !c.metaData.isPrivate);
    const [x, y] = pub;
    const r = await h.gql<{ one: { id: string; title: string }; many: ({ id: string } | null)[] }>(
      `query($ids: [ID!]!) { one: gongCall(id: "${x?.metaData.id}") { id title } many: gongCallsByIds(ids: $ids) { id } }`,
      { ids: [y?.metaData.id, '424242', x?.metaData.id] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.one).toEqual({ id: x?.metaData.id, title: x?.metaData.title });
    expect(r.data?.many).toEqual([{ id: y?.metaData.id }, null, { id: x?.metaData.id }]);

    const pu = x?.metaData.primaryUserId as string;
    const ws = x?.metaData.workspaceId as string;
    const f = await h.gql<{
      gongCalls: { nodes: { primaryUserId: string; workspaceId: string }[] };
    }>(
      `{ gongCalls(first: 100, filter: { primaryUserIds: ["${pu}"], workspaceId: "${ws}" }) { nodes { primaryUserId workspaceId } } }`,
    );
    expect(f.errors).toBeUndefined();
    const got = f.data?.gongCalls.nodes ?? [];
    expect(got.length).toBeGreaterThan(0);
    for (const n of got) expect(n).toEqual({ primaryUserId: pu, workspaceId: ws });
  });
});

describe('transcripts', () => {
  it('gongTranscripts by callIds and by date range, with call and speakers', async () => {
    const [c] = h.sandbox.control.allCalls().filter((x) => !x.metaData.isPrivate);
    const id = c?.metaData.id as string;
    const r = await h.gql<{
      gongTranscripts: {
        totalCount: number;
        nodes: {
          callId: string;
          call: { id: string };
          monologues: {
            speakerId: string;
            speaker: { speakerId: string } | null;
            sentences: { start: number; end: number; text: string }[];
          }[];
        }[];
      };
    }>(
      `{ gongTranscripts(filter: { callIds: ["${id}"] }) { totalCount nodes { callId call { id } monologues { speakerId speaker { speakerId } sentences { start end text } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const t = r.data?.gongTranscripts.nodes[0];
    expect(t?.callId).toBe(id);
    expect(t?.call.id).toBe(id);
    expect(t?.monologues.length).toBeGreaterThan(0);
    for (const m of t?.monologues ?? []) expect(m.speaker?.speakerId).toBe(m.speakerId);

    const started = c?.metaData.started as string;
    const from = new Date(Date.parse(started) - 1000).toISOString();
    const to = new Date(Date.parse(started) + 1000).toISOString();
    const byDate = await h.gql<{ gongTranscripts: { nodes: { callId: string }[] } }>(
      `{ gongTranscripts(filter: { from: "${from}", to: "${to}" }) { nodes { callId } } }`,
    );
    expect(byDate.errors).toBeUndefined();
    expect(byDate.data?.gongTranscripts.nodes.map((n) => n.callId)).toContain(id);
  });
});

describe('federation', () => {
  it('resolves 50 GongCall representations with one upstream request, in order, null for misses', async () => {
    const ids = h.sandbox.control
      .allCalls()
      .filter((c) => !c.metaData.isPrivate)
      .slice(0, 50)
      .map((c) => c.metaData.id);
    const reps = [
      ...ids.map((id) => ({ __typename: 'GongCall', id })),
      { __typename: 'GongCall', id: '7' },
    ];
    h.reset();
    const r = await h.gql<{ _entities: ({ id: string } | null)[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on GongCall { id title } } }',
      { r: reps },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((e) => e?.id ?? null)).toEqual([...ids, null]);
    expect(h.upstream().map((e) => e.endpoint)).toEqual(['POST /v2/calls/extensive']);
  });

  it('exposes the subgraph SDL with @link and @key', async () => {
    const r = await h.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(r.data?._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
    expect(r.data?._service.sdl).toMatch(/type GongCall\s+@key\(fields: "id"\)/);
    expect(r.data?._service.sdl).toMatch(/type GongTranscript\s+@key\(fields: "callId"\)/);
  });
});
