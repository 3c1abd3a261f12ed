/**
 * Activity, interaction stats, scorecards, trackers, call outcomes and the library through
 * GraphQL against the sandbox: each link is batched (counted from the sandbox's request log) and
 * agrees with the tenant's calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { codes, startHarness, type Harness } from './harness.js';

const OFFSET_MS = -7 * 3_600_000; // the sandbox tenant's -07:00
const day = (ms: number) => new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
const TODAY = day(Date.now());
const FROM = day(Date.now() - 30 * 86_400_000);

let h: Harness;
const count = (endpoint: string) => h.upstream().filter((e) => e.endpoint === endpoint).length;

beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 110, calls: 900 } });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

interface Counts {
  callsAsHost: number;
  callsAttended: number;
}
interface Activity {
  userId: string;
  aggregate: Counts | null;
  byPeriod: Counts[];
  days: { callsAsHost: string[] }[];
}

describe('activity of many users', () => {
  it("100 users' aggregate, per-period and day-by-day activity is one request per endpoint, and agrees with their calls", async () => {
    const users = await h.gql<{ gongUsers: { nodes: { id: string }[] } }>(
      '{ gongUsers(first: 100) { nodes { id } } }',
    );
    const ids = users.data?.gongUsers.nodes.map((u) => u.id) ?? [];
    expect(ids).toHaveLength(100);
    h.reset();
    const r = await h.gql<{ gongActivity: Activity[] }>(
      `query($ids: [ID!]!, $from: String!, $to: String!) { gongActivity(userIds: $ids, from: $from, to: $to, period: MONTH) {
        userId aggregate { callsAsHost callsAttended } byPeriod { callsAsHost callsAttended } days { callsAsHost } } }`,
      { ids, from: FROM, to: TODAY },
    );
    expect(r.errors).toBeUndefined();
    expect(count('POST /v2/stats/activity/aggregate')).toBe(1);
    expect(count('POST /v2/stats/activity/aggregate-by-period')).toBe(1);
    expect(count('POST /v2/stats/activity/day-by-day')).toBe(1);
    expect(h.upstream()).toHaveLength(3);

    const calls = h.sandbox.control.allCalls().filter((c) => {
      const d = c.metaData.started?.slice(0, 10) ?? '';
      return d >= FROM && d < TODAY;
    });
    const activity = r.data?.gongActivity ?? [];
    expect(activity.map((a) => a.userId)).toEqual(ids);
    let hosts = 0;
    for (const a of activity) {
      const hosted = calls
        .filter((c) => c.metaData.primaryUserId === a.userId)
        .map((c) => c.metaData.id)
        .sort();
      hosts += hosted.length;
      expect(a.aggregate?.callsAsHost ?? 0).toBe(hosted.length);
      expect(a.days.flatMap((d) => d.callsAsHost).sort()).toEqual(hosted);
      expect(a.byPeriod.reduce((n, p) => n + (p.callsAsHost ?? 0), 0)).toBe(hosted.length);
    }
    expect(hosts).toBeGreaterThan(50);
  });

  it('GongUser.activity and interactionStats on a page of users share one request per endpoint', async () => {
    const r = await h.gql<{
      gongUsers: {
        nodes: {
          id: string;
          activity: { aggregate: Counts | null };
          interactionStats: {
            questionRate: number | null;
            personInteractionStats: { name: string }[];
          } | null;
        }[];
      };
    }>(
      `query($from: String!, $to: String!) { gongUsers(first: 100) { nodes { id
        activity(from: $from, to: $to) { aggregate { callsAsHost } }
        interactionStats(from: $from, to: $to) { questionRate personInteractionStats { name } } } } }`,
      { from: FROM, to: TODAY },
    );
    expect(r.errors).toBeUndefined();
    expect(count('GET /v2/users')).toBe(1);
    expect(count('POST /v2/stats/activity/aggregate')).toBe(1);
    expect(count('POST /v2/stats/interaction')).toBe(1);
    const nodes = r.data?.gongUsers.nodes ?? [];
    const hosts = nodes.filter((n) => (n.activity.aggregate?.callsAsHost ?? 0) > 0);
    expect(hosts.length).toBeGreaterThan(10);
    // Interaction stats exist exactly for users who hosted calls in the range.
    for (const n of nodes)
      expect(n.interactionStats !== null).toBe((n.activity.aggregate?.callsAsHost ?? 0) > 0);
    expect(hosts[0]?.interactionStats?.personInteractionStats.map((s) => s.name)).toContain(
      'Question Rate',
    );
    expect(typeof hosts[0]?.interactionStats?.questionRate).toBe('number');
  });

  it("a day's hosted calls resolve through one calls batch for every user and day", async () => {
    const users = await h.gql<{ gongUsers: { nodes: { id: string }[] } }>(
      '{ gongUsers(first: 20) { nodes { id } } }',
    );
    h.reset();
    const r = await h.gql<{
      gongActivity: {
        days: {
          callsAsHost: string[];
          hostedCalls: ({ id: string; primaryUserId: string } | null)[];
        }[];
        userId: string;
      }[];
    }>(
      `query($ids: [ID!]!, $from: String!, $to: String!) { gongActivity(userIds: $ids, from: $from, to: $to) { userId days { callsAsHost hostedCalls { id primaryUserId } } } }`,
      { ids: users.data?.gongUsers.nodes.map((u) => u.id), from: FROM, to: TODAY },
    );
    expect(r.errors).toBeUndefined();
    let hosted = 0;
    for (const a of r.data?.gongActivity ?? [])
      for (const d of a.days) {
        hosted += d.callsAsHost.length;
        expect(d.hostedCalls.map((c, i) => (c === null ? d.callsAsHost[i] : c.id))).toEqual(
          d.callsAsHost,
        );
        for (const c of d.hostedCalls) if (c) expect(c.primaryUserId).toBe(a.userId);
      }
    expect(hosted).toBeGreaterThan(10);
    expect(count('POST /v2/stats/activity/day-by-day')).toBe(1);
    expect(count('POST /v2/calls/extensive')).toBe(Math.ceil(hosted / 100));
  });

  it("a range without activity reads as no activity, not an error (interaction stats: the spec's 404)", async () => {
    const users = await h.gql<{ gongUsers: { nodes: { id: string }[] } }>(
      '{ gongUsers(first: 3) { nodes { id } } }',
    );
    h.reset();
    const r = await h.gql<{ gongActivity: Activity[]; gongInteractionStats: unknown[] }>(
      `query($ids: [ID!]!) { gongActivity(userIds: $ids, from: "2001-01-01", to: "2001-02-01") { userId aggregate { callsAsHost } byPeriod { callsAsHost } days { callsAsHost } }
        gongInteractionStats(userIds: $ids, from: "2001-01-01", to: "2001-02-01") { questionRate } }`,
      { ids: users.data?.gongUsers.nodes.map((u) => u.id) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongActivity.map((a) => [a.aggregate, a.byPeriod, a.days])).toEqual([
      [null, [], []],
      [null, [], []],
      [null, [], []],
    ]);
    expect(r.data?.gongInteractionStats).toEqual([null, null, null]);
    expect(
      h
        .upstream()
        .map((e) => `${e.endpoint} ${e.status}`)
        .sort(),
    ).toEqual([
      'POST /v2/stats/activity/aggregate 200',
      'POST /v2/stats/activity/aggregate-by-period 200',
      'POST /v2/stats/activity/day-by-day 200',
      'POST /v2/stats/interaction 404',
    ]);
  });

  it('refuses a malformed day or an inverted range as BAD_USER_INPUT without asking Gong', async () => {
    const bad = await h.gql(
      '{ gongActivity(userIds: ["1"], from: "2024-13-45", to: "2024-01-01") { userId } }',
    );
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    const inverted = await h.gql(
      '{ gongActivity(userIds: ["1"], from: "2024-02-01", to: "2024-01-01") { userId } }',
    );
    expect(codes(inverted)).toEqual(['BAD_USER_INPUT']);
    expect(h.upstream()).toHaveLength(0);
  });
});

interface Answered {
  answeredScorecardId: string;
  callId: string;
  reviewerUserId: string;
  reviewedUserId: string;
  call: { id: string } | null;
  scorecard: { scorecardId: string } | null;
  answers: { questionId: string; question: { questionId: string } | null }[];
}

describe('scorecards', () => {
  it('definitions carry their questions, and every answered scorecard links to its definition, question, call and users', async () => {
    const r = await h.gql<{
      gongScorecards: { scorecardId: string; questions: { questionId: string }[] }[];
      gongAnsweredScorecards: { totalCount: number; nodes: Answered[] };
    }>(
      `query($from: String!) { gongScorecards { scorecardId questions { questionId } }
        gongAnsweredScorecards(filter: { reviewFromDate: $from }, first: 20) { totalCount nodes {
          answeredScorecardId callId reviewerUserId reviewedUserId call { id } scorecard { scorecardId }
          reviewer { id } reviewedUser { id } answers { questionId question { questionId } } } } }`,
      { from: FROM },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongScorecards.length).toBeGreaterThan(1);
    expect(r.data?.gongScorecards.every((s) => s.questions.length > 0)).toBe(true);
    const nodes = r.data?.gongAnsweredScorecards.nodes ?? [];
    expect(nodes).toHaveLength(20);
    for (const a of nodes) {
      expect(a.scorecard?.scorecardId).toBeDefined();
      for (const ans of a.answers) expect(ans.question?.questionId).toBe(ans.questionId);
      if (a.call) expect(a.call.id).toBe(a.callId);
    }
    // Definitions once (both uses), users one batch, calls one batch.
    expect(count('GET /v2/settings/scorecards')).toBe(1);
    expect(count('POST /v2/stats/activity/scorecards')).toBe(1);
    expect(count('POST /v2/users/extensive')).toBe(1);
    expect(count('POST /v2/calls/extensive')).toBe(1);
  });

  it("scorecardsReceived and scorecardsGiven of 100 users share one read of the range, and agree with the answers' users", async () => {
    const r = await h.gql<{
      gongUsers: {
        nodes: { id: string; scorecardsReceived: Answered[]; scorecardsGiven: Answered[] }[];
      };
    }>(
      `query($from: String!) { gongUsers(first: 100) { nodes { id
        scorecardsReceived(from: $from) { answeredScorecardId reviewedUserId }
        scorecardsGiven(from: $from) { answeredScorecardId reviewerUserId } } } }`,
      { from: FROM },
    );
    expect(r.errors).toBeUndefined();
    expect(count('POST /v2/stats/activity/scorecards')).toBe(1);
    const nodes = r.data?.gongUsers.nodes ?? [];
    const received = nodes.flatMap((n) =>
      n.scorecardsReceived.map((a) => {
        expect(a.reviewedUserId).toBe(n.id);
        return a.answeredScorecardId;
      }),
    );
    const given = nodes.flatMap((n) =>
      n.scorecardsGiven.map((a) => {
        expect(a.reviewerUserId).toBe(n.id);
        return a.answeredScorecardId;
      }),
    );
    expect(received.length).toBeGreaterThan(5);
    expect(given.length).toBeGreaterThan(5);
    // The same review seen from both sides: most reviewers review a colleague among the same 100 users.
    expect(received.filter((id) => given.includes(id)).length).toBeGreaterThan(0);
  });

  it("GongCall.scorecards for a page of calls is one read of the page's days, and a new review shows up on its call", async () => {
    const now = Date.now();
    const from = new Date(now - 20 * 86_400_000).toISOString();
    const to = new Date(now - 18 * 86_400_000).toISOString();
    const r = await h.gql<{ gongCalls: { nodes: { id: string; scorecards: Answered[] }[] } }>(
      `query($f: GongCallsFilter) { gongCalls(filter: $f) { nodes { id scorecards { answeredScorecardId callId } } } }`,
      { f: { from, to } },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data?.gongCalls.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(5);
    expect(count('POST /v2/stats/activity/scorecards')).toBe(1);
    for (const n of nodes) for (const a of n.scorecards) expect(a.callId).toBe(n.id);

    const target = nodes.find((n) => n.scorecards.length === 0) ?? nodes[0];
    const added = h.sandbox.control.answerScorecard(target?.id ?? '');
    const again = await h.gql<{ gongCall: { scorecards: { answeredScorecardId: string }[] } }>(
      `query($id: ID!) { gongCall(id: $id, includePrivate: true) { scorecards { answeredScorecardId } } }`,
      { id: target?.id },
    );
    expect(again.data?.gongCall.scorecards.map((a) => a.answeredScorecardId)).toContain(added);
  });
});

describe('trackers, call outcomes and the library', () => {
  it('a page of calls links its tracker hits and outcomes to their definitions with one request each', async () => {
    const r = await h.gql<{
      gongCalls: {
        nodes: {
          content: {
            trackers: {
              name: string;
              definition: { trackerId: string; trackerName: string } | null;
            }[];
            callOutcome: { name: string; definition: { name: string } | null } | null;
          };
        }[];
      };
    }>(
      `{ gongCalls(first: 50) { nodes { content { trackers { name definition { trackerId trackerName languageKeywords { keywords } } }
        callOutcome { name definition { name category } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data?.gongCalls.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(40); // private calls are left out of the page
    for (const n of nodes) {
      for (const t of n.content.trackers) expect(t.definition?.trackerName).toBe(t.name);
      if (n.content.callOutcome)
        expect(n.content.callOutcome.definition?.name).toBe(n.content.callOutcome.name);
    }
    expect(count('GET /v2/settings/trackers')).toBe(1);
    expect(count('GET /v2/call-outcomes')).toBe(1);
  });

  it("every folder's calls resolve through one calls batch", async () => {
    const r = await h.gql<{
      gongLibraryFolders: {
        id: string;
        name: string;
        parentFolder: { id: string } | null;
        calls: ({ id: string; title: string } | null)[];
        entries: { callId: string; call: { id: string } | null }[];
      }[];
    }>(
      `{ gongLibraryFolders { id name parentFolder { id } calls { id title primaryUser { id } } entries { callId note snippet { fromSec toSec } call { id } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const folders = r.data?.gongLibraryFolders ?? [];
    expect(folders.length).toBeGreaterThan(3);
    expect(count('GET /v2/library/folders')).toBe(1);
    expect(count('GET /v2/library/folder-content')).toBe(folders.length);
    expect(count('POST /v2/calls/extensive')).toBe(1);
    expect(count('POST /v2/users/extensive')).toBe(1);
    for (const f of folders) {
      expect(f.calls.map((c) => c?.id)).toEqual(f.entries.map((e) => e.callId));
      expect(f.calls.length).toBeGreaterThan(0);
    }
    expect(folders.some((f) => f.parentFolder !== null)).toBe(true);
  });
});
