/**
 * The sandbox side of what recorded Gong answers showed (test/contract/ has the literal bodies):
 * scorecard settings with Gong's system user "-1" and string ranges read without error; outcome
 * definitions in Gong's real envelope join a call's Gong AI outcome by name; one unknown user in a
 * stats batch costs that user alone; an unknown workspaceId is named as bad input.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { codes, startHarness, type Harness } from './harness.js';

const OFFSET_MS = -7 * 3_600_000; // the sandbox tenant's -07:00
const day = (ms: number) => new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
const TODAY = day(Date.now());
const FROM = day(Date.now() - 30 * 86_400_000);
/** A well-formed id no user has. */
const UNKNOWN_USER = '9999999999999999999';

let h: Harness;
const count = (endpoint: string) => h.upstream().filter((e) => e.endpoint === endpoint).length;

beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 30, calls: 400 } });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('scorecard settings', () => {
  it('read with Gong\'s system user "-1" (linked to null, never looked up) and ranges as numbers', async () => {
    const r = await h.gql<{
      gongScorecards: {
        updaterUserId: string;
        updater: { id: string } | null;
        reviewMethod: string;
        questions: {
          questionType: string;
          minRange: number | null;
          maxRange: number | null;
          updaterUserId: string;
          updater: { id: string } | null;
        }[];
      }[];
    }>(
      `{ gongScorecards { updaterUserId updater { id } reviewMethod
          questions { questionType minRange maxRange updaterUserId updater { id } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const cards = r.data?.gongScorecards ?? [];
    expect(cards.length).toBeGreaterThan(1);
    const system = cards.filter((c) => c.updaterUserId === '-1');
    expect(system.length).toBeGreaterThan(0);
    for (const c of system) expect(c.updater).toBeNull();
    for (const c of cards) expect(c.reviewMethod).toBe('MANUAL');
    const questions = cards.flatMap((c) => c.questions);
    for (const q of questions) {
      expect(q.updaterUserId).toBe('-1');
      expect(q.updater).toBeNull();
    }
    const ranged = questions.filter((q) => q.questionType === 'RANGE');
    expect(ranged.length).toBeGreaterThan(0);
    for (const q of ranged) expect([q.minRange, q.maxRange]).toEqual([1, 5]);
    // The one admin-edited card is looked up; "-1" never is.
    const asked = h
      .upstream()
      .filter((e) => e.endpoint === 'POST /v2/users/extensive')
      .flatMap((e) => (e.body as { filter?: { userIds?: string[] } }).filter?.userIds ?? []);
    expect(asked).not.toContain('-1');
  });
});

describe('call outcomes', () => {
  it('16 definitions read in Gong\'s order, and a call\'s outcome links to "Meeting booked" by name', async () => {
    const defs = await h.gql<{
      gongCallOutcomes: { name: string; category: string; displayOrder: number }[];
    }>(
      '{ gongCallOutcomes { name category connectStatus sentiment displayOrder todoAction automation } }',
    );
    expect(defs.errors).toBeUndefined();
    const list = defs.data?.gongCallOutcomes ?? [];
    expect(list).toHaveLength(16);
    expect(list.find((d) => d.name === 'Meeting booked')).toMatchObject({
      category: 'ANSWERED',
      displayOrder: 2,
    });

    const booked = h.sandbox.control
      .allCalls()
      .find((c) => c.content?.callOutcome?.name === 'Meeting booked' && !c.metaData.isPrivate);
    expect(booked?.content?.callOutcome).toMatchObject({
      id: 'MEETING_BOOKED',
      category: 'Answered',
    });
    h.reset();
    const r = await h.gql<{
      gongCall: {
        content: {
          callOutcome: {
            id: string;
            definition: { name: string; sentiment: string; todoAction: string } | null;
          };
        };
      };
    }>(
      `query($id: ID!) { gongCall(id: $id) { content { callOutcome { id name
          definition { name sentiment todoAction } } } } }`,
      { id: booked?.metaData.id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongCall.content.callOutcome).toEqual({
      id: 'MEETING_BOOKED',
      name: 'Meeting booked',
      definition: {
        name: 'Meeting booked',
        sentiment: 'POSITIVE',
        todoAction: 'COMPLETE_AND_REMOVE',
      },
    });
    expect(count('GET /v2/call-outcomes')).toBe(1);
  });
});

describe('stats with an unknown user', () => {
  it('every known user gets their activity, and the unknown id alone gets an error saying so', async () => {
    const users = await h.gql<{ gongUsers: { nodes: { id: string }[] } }>(
      '{ gongUsers(first: 12) { nodes { id } } }',
    );
    const known = users.data?.gongUsers.nodes.map((u) => u.id) ?? [];
    const ids = [...known.slice(0, 6), UNKNOWN_USER, ...known.slice(6)];
    const expected = await h.gql<{ gongActivity: { aggregate: { callsAsHost: number } | null }[] }>(
      `query($ids: [ID!]!, $from: String!, $to: String!) { gongActivity(userIds: $ids, from: $from, to: $to) {
        aggregate { callsAsHost } } }`,
      { ids: known, from: FROM, to: TODAY },
    );
    expect(expected.errors).toBeUndefined();
    h.reset();

    const r = await h.gql<{
      gongActivity: { userId: string; aggregate: { callsAsHost: number } | null }[];
    }>(
      `query($ids: [ID!]!, $from: String!, $to: String!) { gongActivity(userIds: $ids, from: $from, to: $to) {
        userId aggregate { callsAsHost } } }`,
      { ids, from: FROM, to: TODAY },
    );
    const activity = r.data?.gongActivity ?? [];
    expect(activity.map((a) => a.userId)).toEqual(ids);
    const withoutUnknown = activity.filter((a) => a.userId !== UNKNOWN_USER);
    expect(withoutUnknown.map((a) => a.aggregate)).toEqual(
      expected.data?.gongActivity.map((a) => a.aggregate),
    );
    expect(withoutUnknown.some((a) => (a.aggregate?.callsAsHost ?? 0) > 0)).toBe(true);
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]?.path).toEqual(['gongActivity', 6, 'aggregate']);
    expect(r.errors?.[0]?.message).toContain(`Gong does not know user ${UNKNOWN_USER}`);
    expect(codes(r)).toEqual(['NOT_FOUND']);
    // The refused batch, the batch again without the unknown id, and the users lookup that found
    // it (Gong refuses that lookup too, naming the id, and the users loader re-asks without it).
    expect(count('POST /v2/stats/activity/aggregate')).toBe(2);
    expect(count('POST /v2/users/extensive')).toBe(2);
  });
});

describe('scorecardsGiven and scorecardsReceived without bounds', () => {
  it('read the last 90 days (a bounded number of requests), cached: the second read costs none', async () => {
    const cached = await startHarness({
      sandbox: { users: 30, calls: 400 },
      env: { CACHE_TTL_SECONDS: '300' },
    });
    try {
      const query = `{ gongUsers(first: 30) { nodes { id scorecardsGiven { answeredScorecardId reviewTime }
        scorecardsReceived { answeredScorecardId } } } }`;
      const reviews = cached.sandbox.control.allCalls().length; // an upper bound on answers
      cached.reset();
      const first = await cached.gql<{
        gongUsers: { nodes: { scorecardsGiven: { reviewTime: string }[] }[] };
      }>(query);
      expect(first.errors).toBeUndefined();
      const asked = cached
        .upstream()
        .filter((e) => e.endpoint === 'POST /v2/stats/activity/scorecards');
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.length).toBeLessThanOrEqual(Math.ceil(reviews / 100));
      const since = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
      for (const e of asked)
        expect((e.body as { filter: { reviewFromDate?: string } }).filter.reviewFromDate).toBe(
          since,
        );
      const given = first.data?.gongUsers.nodes.flatMap((n) => n.scorecardsGiven) ?? [];
      expect(given.length).toBeGreaterThan(0);

      cached.reset();
      const second = await cached.gql(query);
      expect(second.data).toEqual(first.data);
      expect(
        cached.upstream().filter((e) => e.endpoint === 'POST /v2/stats/activity/scorecards'),
      ).toEqual([]);
    } finally {
      await cached.close();
    }
  });
});

describe('an unknown workspaceId', () => {
  it('is BAD_USER_INPUT naming it, for trackers and library folders', async () => {
    for (const field of ['gongTrackers', 'gongLibraryFolders']) {
      const r = await h.gql(`{ ${field}(workspaceId: "${UNKNOWN_USER}") { __typename } }`);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.message).toContain(UNKNOWN_USER);
    }
    const ws = await h.gql<{ gongWorkspaces: { id: string }[] }>('{ gongWorkspaces { id } }');
    const known = ws.data?.gongWorkspaces[0]?.id;
    const ok = await h.gql<{ gongTrackers: unknown[] }>(
      `query($ws: ID) { gongTrackers(workspaceId: $ws) { trackerId } }`,
      { ws: known },
    );
    expect(ok.errors).toBeUndefined();
  });
});
