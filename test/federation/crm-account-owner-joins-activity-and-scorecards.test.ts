/**
 * A CRM subgraph's account owner (a GongUser by key) joined to their Gong activity, interaction
 * stats and scorecards through @apollo/gateway: the router's one entity fetch for 20 owners costs
 * one request per stats endpoint, and the definitions' keys compose.
 */
import type { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Harness } from '../read/harness.js';
import { startCrmSupergraph, type CrmSupergraph } from './support.js';

const day = (ms: number) => new Date(ms - 7 * 3_600_000).toISOString().slice(0, 10); // the tenant's -07:00
const TO = day(Date.now());
const FROM = day(Date.now() - 60 * 86_400_000);

let stack: CrmSupergraph | undefined;
let h: Harness;
let supergraphSdl: string;
let router: ApolloServer;

beforeAll(async () => {
  stack = await startCrmSupergraph({ users: 50, calls: 500 });
  ({ h, supergraphSdl, router } = stack);
});
afterAll(() => stack?.close());
beforeEach(() => h.reset());

const count = (endpoint: string) => h.upstream().filter((e) => e.endpoint === endpoint).length;

interface Owner {
  id: string;
  activity: { aggregate: { callsAsHost: number } | null; byPeriod: { callsAsHost: number }[] };
  interactionStats: { questionRate: number | null } | null;
  scorecardsReceived: { reviewedUserId: string; scorecard: { scorecardName: string } | null }[];
}

describe('supergraph: CRM account owners joined to their Gong activity and scorecards', () => {
  it('the scorecard, tracker, outcome and library keys compose into the supergraph', () => {
    expect(supergraphSdl).toMatch(/type GongScorecard\s[^{]*key: "scorecardId"/);
    expect(supergraphSdl).toMatch(/type GongTrackerDefinition\s[^{]*key: "trackerId"/);
    expect(supergraphSdl).toMatch(/type GongLibraryFolder\s[^{]*key: "id"/);
    expect(supergraphSdl).toMatch(/type GongCallOutcomeDefinition\s[^{]*key: "name"/);
  });

  it("20 accounts' owners with activity, interaction stats and scorecards: one request per stats endpoint", async () => {
    const res = await router.executeOperation({
      query: `query($from: String!, $to: String!) { accounts(first: 20) { id owner { id
        activity(from: $from, to: $to, period: MONTH) { aggregate { callsAsHost } byPeriod { callsAsHost } }
        interactionStats(from: $from, to: $to) { questionRate }
        scorecardsReceived(from: $from) { reviewedUserId scorecard { scorecardName } } } } }`,
      variables: { from: FROM, to: TO },
    });
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    expect(res.body.singleResult.errors).toBeUndefined();
    const data = res.body.singleResult.data as { accounts: { owner: Owner }[] };
    expect(data.accounts).toHaveLength(20);

    const calls = h.sandbox.control
      .allCalls()
      .filter(
        (c) =>
          (c.metaData.started?.slice(0, 10) ?? '') >= FROM &&
          (c.metaData.started?.slice(0, 10) ?? '') < TO,
      );
    for (const { owner } of data.accounts) {
      const hosted = calls.filter((c) => c.metaData.primaryUserId === owner.id).length;
      expect(owner.activity.aggregate?.callsAsHost ?? 0).toBe(hosted);
      expect(owner.activity.byPeriod.reduce((n, p) => n + p.callsAsHost, 0)).toBe(hosted);
      for (const s of owner.scorecardsReceived) {
        expect(s.reviewedUserId).toBe(owner.id);
        expect(s.scorecard?.scorecardName).toBeTruthy();
      }
    }
    expect(data.accounts.some(({ owner }) => owner.scorecardsReceived.length > 0)).toBe(true);

    expect(count('POST /v2/stats/activity/aggregate')).toBe(1);
    expect(count('POST /v2/stats/activity/aggregate-by-period')).toBe(1);
    expect(count('POST /v2/stats/interaction')).toBe(1);
    // scorecardsReceived: the pages of one read of the range, shared by every owner (and cached).
    const scorecardReads = h
      .upstream()
      .filter((e) => e.endpoint === 'POST /v2/stats/activity/scorecards')
      .map((e) => JSON.stringify((e.body as { filter: unknown }).filter));
    expect(new Set(scorecardReads)).toEqual(new Set([JSON.stringify({ reviewFromDate: FROM })]));
    expect(count('GET /v2/settings/scorecards')).toBe(1);
  });

  it('a router fetch of scorecard and tracker definitions by key resolves from one cached read each', async () => {
    const defs = await h.gql<{
      gongScorecards: { scorecardId: string }[];
      gongTrackers: { trackerId: string }[];
    }>('{ gongScorecards { scorecardId } gongTrackers { trackerId } }');
    h.reset();
    const reps: { __typename: string; scorecardId?: string; trackerId?: string }[] = [
      ...(defs.data?.gongScorecards ?? []).map((s) => ({
        __typename: 'GongScorecard',
        scorecardId: s.scorecardId,
      })),
      ...(defs.data?.gongTrackers ?? []).map((t) => ({
        __typename: 'GongTrackerDefinition',
        trackerId: t.trackerId,
      })),
      { __typename: 'GongScorecard', scorecardId: '1' },
    ];
    const r = await h.gql<{ _entities: ({ scorecardId?: string; trackerId?: string } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on GongScorecard { scorecardId } ... on GongTrackerDefinition { trackerId } } }`,
      { r: reps },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((e) => e?.scorecardId ?? e?.trackerId ?? null)).toEqual([
      ...reps.slice(0, -1).map((x) => x.scorecardId ?? x.trackerId),
      null,
    ]);
    expect(count('GET /v2/settings/scorecards')).toBe(1);
    expect(count('GET /v2/settings/trackers')).toBe(1);
  });
});
