/**
 * What live Gong answers showed, read through the whole gateway from literal bodies (written here
 * from the shapes docs/gong-contract.md records; no third party's files, no sandbox, nothing from
 * src/gong/wire): scorecard settings with Gong's system user "-1" and string ranges, call outcome
 * definitions in their real envelope joined to a call's Gong AI outcome by name, and the activity
 * endpoints' 404 "User not found" for a batch with one unknown user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiteralGong, type LiteralGong, type LiteralRequest } from './support/literal-gong.js';

const KNOWN = ['4286319845210930117', '6312877459810433621', '8120043915511287305'];
const UNKNOWN = '1111111111111111111';
const CALL_ID = '7782342274025937895';

/** GET /v2/settings/scorecards as a live answer carried it (ids and texts replaced). */
const SCORECARD_SETTINGS = {
  requestId: '3k1gq0m2xz7c9vbn4ta',
  scorecards: [
    {
      scorecardId: '7104356081926637213',
      scorecardName: 'Discovery call',
      workspaceId: '5562739194953732039',
      enabled: true,
      updaterUserId: '-1',
      created: '2023-06-05T09:14:27.612Z',
      updated: '2024-11-19T16:02:44.208Z',
      reviewMethod: 'MANUAL',
      questions: [
        {
          questionId: '5913784214098128394',
          questionRevisionId: '6287261850290816421',
          questionText: 'Did the rep confirm the budget?',
          isOverall: false,
          questionType: 'RANGE',
          answerGuide: null,
          minRange: '1',
          maxRange: '5',
          answerOptions: [],
          updaterUserId: '-1',
        },
        {
          questionId: '5913784214098128395',
          questionRevisionId: '6287261850290816422',
          questionText: 'What went well?',
          isOverall: false,
          questionType: 'OPEN_TEXT',
          answerGuide: null,
          minRange: null,
          maxRange: null,
          answerOptions: [],
          updaterUserId: '-1',
        },
      ],
    },
  ],
};

/** An answered scorecard whose reviewer is Gong's system user (an automatic review). */
const ANSWERED_BY_GONG = {
  requestId: '5d0c2hq8v1m3n7kzr2a',
  records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
  answeredScorecards: [
    {
      answeredScorecardId: '563515258458745',
      scorecardId: '7104356081926637213',
      scorecardName: 'Discovery call',
      callId: CALL_ID,
      callStartTime: '2025-02-03T10:00:00-08:00',
      reviewedUserId: KNOWN[0],
      reviewerUserId: '-1',
      reviewTime: '2025-02-03T12:30:00-08:00',
      visibilityType: 'PUBLIC',
      answers: [
        {
          questionId: '5913784214098128394',
          questionRevisionId: '6287261850290816421',
          isOverall: false,
          score: '4',
          answerText: null,
          notApplicable: false,
          selectedOptions: null,
        },
      ],
    },
  ],
};

/** GET /v2/call-outcomes: the live envelope, no ids, upper-case values; a real tenant had 16. */
const outcome = (
  callOutcome: string,
  displayOrder: number,
  category: string,
  connectStatus: string,
  sentiment: string,
  todoAction: string,
) => ({
  callOutcome,
  displayOrder,
  connectStatus,
  sentiment,
  todoAction,
  automation: null,
  category,
});
const CALL_OUTCOMES = {
  requestId: '7h2m9xq4c0w8e1r5t6y',
  outcomes: [
    outcome('Qualified', 1, 'ANSWERED', 'CONNECTED', 'POSITIVE', 'COMPLETE_AND_REMOVE'),
    outcome('Meeting booked', 2, 'ANSWERED', 'CONNECTED', 'POSITIVE', 'COMPLETE_AND_REMOVE'),
    outcome('Interested', 3, 'ANSWERED', 'CONNECTED', 'POSITIVE', 'COMPLETE'),
    outcome('Callback requested', 4, 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'),
    outcome('Send information', 5, 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'),
    outcome('Referral', 6, 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'),
    outcome('Gatekeeper', 7, 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'),
    outcome('Not interested', 8, 'ANSWERED', 'CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'),
    outcome('Wrong person', 9, 'ANSWERED', 'CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'),
    outcome('Do not contact', 10, 'ANSWERED', 'CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'),
    outcome('Left voicemail', 11, 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEUTRAL', 'COMPLETE'),
    outcome('No answer', 12, 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEUTRAL', 'COMPLETE'),
    outcome('Busy signal', 13, 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEUTRAL', 'COMPLETE'),
    outcome('Hung up', 14, 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEGATIVE', 'COMPLETE'),
    outcome('Wrong number', 15, 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'),
    outcome('Bad number', 16, 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'),
  ],
};

/** POST /v2/calls/extensive with a call whose content.callOutcome is the spec's CallOutcome example. */
const CALL_WITH_OUTCOME = {
  requestId: '9q8w7e6r5t4y3u2i1o0',
  records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
  calls: [
    {
      metaData: {
        id: CALL_ID,
        url: `https://app.gong.io/call?id=${CALL_ID}`,
        title: 'Intro call',
        scheduled: '2025-02-03T10:00:00-08:00',
        started: '2025-02-03T10:00:02-08:00',
        duration: 212,
        primaryUserId: KNOWN[0],
        direction: 'Outbound',
        system: 'Outreach',
        scope: 'External',
        media: 'Audio',
        language: 'eng',
        workspaceId: '5562739194953732039',
        sdrDisposition: null,
        clientUniqueId: null,
        customData: null,
        purpose: null,
        meetingUrl: null,
        isPrivate: false,
        calendarEventId: null,
      },
      content: {
        callOutcome: { id: 'MEETING_BOOKED', category: 'Answered', name: 'Meeting booked' },
      },
    },
  ],
};

const userIdsOf = (r: LiteralRequest) =>
  ((r.body as { filter?: { userIds?: string[] } } | undefined)?.filter?.userIds ?? []).slice();

function answer(r: LiteralRequest) {
  const route = `${r.method} ${r.path}`;
  switch (route) {
    case 'GET /v2/settings/scorecards':
      return { status: 200, body: SCORECARD_SETTINGS };
    case 'POST /v2/stats/activity/scorecards':
      return { status: 200, body: ANSWERED_BY_GONG };
    case 'GET /v2/call-outcomes':
      return { status: 200, body: CALL_OUTCOMES };
    case 'POST /v2/calls/extensive':
      return { status: 200, body: CALL_WITH_OUTCOME };
    case 'POST /v2/users/extensive': {
      const ids = userIdsOf(r);
      // Gong's observed answer for unknown ids on this endpoint names them.
      if (ids.includes(UNKNOWN))
        return {
          status: 404,
          body: {
            requestId: '2b3n4m5k6j7h8g9f0d1',
            errors: [`The following userIds were not found: ${UNKNOWN}`],
          },
        };
      return {
        status: 200,
        body: {
          requestId: '3c4v5b6n7m8k9j0h1g2',
          records: { totalRecords: ids.length, currentPageSize: ids.length, currentPageNumber: 0 },
          users: ids.map((id) => ({
            id,
            emailAddress: `u${id.slice(-4)}@example.com`,
            active: true,
          })),
        },
      };
    }
    case 'POST /v2/stats/activity/aggregate': {
      const ids = userIdsOf(r);
      // The spec's 404 for this endpoint: the whole batch, no id named.
      if (ids.includes(UNKNOWN))
        return {
          status: 404,
          body: { requestId: '4d5f6g7h8j9k0l1z2x3', errors: ['User not found'] },
        };
      return {
        status: 200,
        body: {
          requestId: '5e6r7t8y9u0i1o2p3a4',
          records: { totalRecords: ids.length, currentPageSize: ids.length, currentPageNumber: 0 },
          timeZone: 'America/Los_Angeles',
          fromDateTime: '2025-01-01T00:00:00-08:00',
          toDateTime: '2025-02-01T00:00:00-08:00',
          usersAggregateActivityStats: ids.map((userId, i) => ({
            userId,
            userEmailAddress: `u${userId.slice(-4)}@example.com`,
            userAggregateActivityStats: { callsAsHost: 10 + i, callsAttended: 3 },
          })),
        },
      };
    }
    case 'POST /v2/stats/interaction':
      return {
        status: 200,
        body: {
          requestId: '6f7g8h9j0k1l2z3x4c5',
          records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
          timeZone: 'America/Los_Angeles',
          fromDateTime: '2025-01-01T00:00:00-08:00',
          toDateTime: '2025-02-01T00:00:00-08:00',
          // The spec's list for this endpoint: no Talk Ratio.
          peopleInteractionStats: [
            {
              userId: KNOWN[0],
              userEmailAddress: 'rep@example.com',
              personInteractionStats: [
                { name: 'Longest Monologue', value: 81.5 },
                { name: 'Longest Customer Story', value: 44 },
                { name: 'Interactivity', value: 6.2 },
                { name: 'Patience', value: 1.1 },
                { name: 'Question Rate', value: 12.4 },
              ],
            },
          ],
        },
      };
    case 'GET /v2/users': {
      const users = [...KNOWN, '5901234567890123456', '6012345678901234567'].map((id) => ({
        id,
        emailAddress: `u${id.slice(-4)}@example.com`,
        active: true,
      }));
      return {
        status: 200,
        body: {
          requestId: '8h9j0k1l2z3x4c5v6b7',
          records: { totalRecords: 5, currentPageSize: 5, currentPageNumber: 0 },
          users,
        },
      };
    }
    case 'GET /v2/flows': {
      // An owner with nothing to show answered 200 with an empty list in a real recording.
      const owner = r.query.get('flowOwnerEmail') ?? '';
      return {
        status: 200,
        body: {
          requestId: '9j0k1l2z3x4c5v6b7n8',
          records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
          flows: [
            {
              id: `1${owner.slice(1, 5)}00000000000000`,
              name: `Outbound ${owner}`,
              folderId: '8912345678901234567',
              folderName: 'Personal',
              visibility: 'Personal',
              creationDate: '2024-05-01T09:00:00-07:00',
              exclusive: false,
            },
          ],
        },
      };
    }
    default:
      return undefined;
  }
}

let gong: LiteralGong;
beforeAll(async () => {
  gong = await startLiteralGong(answer, { FLOWS_REFRESH_MAX_REQUESTS: '4' });
});
afterAll(() => gong?.close());

describe('scorecard settings as live Gong sends them', () => {
  it('read without error: "-1" links to no user and is never looked up, string ranges are numbers', async () => {
    const r = await gong.gql<{
      gongScorecards: {
        updaterUserId: string;
        updater: null;
        reviewMethod: string;
        questions: {
          minRange: number | null;
          maxRange: number | null;
          updater: null;
          answerOptions: [];
        }[];
      }[];
    }>(
      `{ gongScorecards { updaterUserId updater { id } reviewMethod
          questions { minRange maxRange updaterUserId updater { id } answerGuide answerOptions { id } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const [card] = r.data?.gongScorecards ?? [];
    expect(card).toMatchObject({ updaterUserId: '-1', updater: null, reviewMethod: 'MANUAL' });
    expect(card?.questions.map((q) => [q.minRange, q.maxRange])).toEqual([
      [1, 5],
      [null, null],
    ]);
    for (const q of card?.questions ?? []) expect(q.updater).toBeNull();
    expect(gong.count('POST /v2/users/extensive')).toBe(0);
  });

  it('an automatic review by "-1" reads, with its reviewer null and its string score a number', async () => {
    const r = await gong.gql<{
      gongAnsweredScorecards: {
        nodes: {
          reviewerUserId: string;
          reviewer: null;
          answers: { score: number; question: { maxRange: number } }[];
        }[];
      };
    }>(
      `{ gongAnsweredScorecards(filter: { reviewFromDate: "2025-02-01", reviewToDate: "2025-03-01" }) {
          nodes { reviewerUserId reviewer { id } answers { score question { maxRange } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongAnsweredScorecards.nodes).toEqual([
      { reviewerUserId: '-1', reviewer: null, answers: [{ score: 4, question: { maxRange: 5 } }] },
    ]);
  });
});

describe('interaction stats under the names the spec lists', () => {
  it('Question Rate reads as questionRate', async () => {
    const r = await gong.gql<{ gongInteractionStats: Record<string, unknown>[] }>(
      `query($ids: [ID!]!) { gongInteractionStats(userIds: $ids, from: "2025-01-01", to: "2025-02-01") {
          longestMonologue longestCustomerStory interactivity patience questionRate } }`,
      { ids: [KNOWN[0]] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongInteractionStats).toEqual([
      {
        longestMonologue: 81.5,
        longestCustomerStory: 44,
        interactivity: 6.2,
        patience: 1.1,
        questionRate: 12.4,
      },
    ]);
  });
});

describe('scorecardsGiven without bounds', () => {
  it('asks for the last 90 days of reviews once; the second operation costs no request', async () => {
    const query = `query($id: ID!) { gongUser(id: $id) { scorecardsGiven { answeredScorecardId } } }`;
    const before = gong.count('POST /v2/stats/activity/scorecards');
    const first = await gong.gql(query, { id: KNOWN[1] });
    expect(first.errors).toBeUndefined();
    const asked = gong.requests
      .filter((r) => r.path === '/v2/stats/activity/scorecards')
      .slice(before);
    expect(asked.map((r) => r.body)).toEqual([
      {
        filter: {
          reviewFromDate: new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10),
        },
      },
    ]);
    const second = await gong.gql(query, { id: KNOWN[1] });
    expect(second.data).toEqual(first.data);
    expect(gong.count('POST /v2/stats/activity/scorecards') - before).toBe(1);
  });
});

describe('the full flows read', () => {
  it('sends at most FLOWS_REFRESH_MAX_REQUESTS requests and says how many owners it covers', async () => {
    const r = await gong.gql<{
      gongFlows: { nodes: unknown[]; freshness: { owners: number; ownersRead: number } };
    }>('{ gongFlows { nodes { id } freshness { owners ownersRead ownersRefreshed } } }');
    expect(r.errors).toBeUndefined();
    expect(gong.count('GET /v2/users') + gong.count('GET /v2/flows')).toBe(4);
    expect(r.data?.gongFlows.freshness).toEqual({ owners: 5, ownersRead: 3, ownersRefreshed: 3 });
    expect(r.data?.gongFlows.nodes).toHaveLength(3);
  });
});

describe('call outcomes as live Gong sends them', () => {
  it('16 definitions, values exactly as sent, and a call\'s MEETING_BOOKED outcome joins "Meeting booked" by name', async () => {
    const defs = await gong.gql<{ gongCallOutcomes: Record<string, unknown>[] }>(
      '{ gongCallOutcomes { name category connectStatus sentiment displayOrder todoAction automation } }',
    );
    expect(defs.errors).toBeUndefined();
    expect(defs.data?.gongCallOutcomes).toHaveLength(16);
    expect(defs.data?.gongCallOutcomes[1]).toEqual({
      name: 'Meeting booked',
      category: 'ANSWERED',
      connectStatus: 'CONNECTED',
      sentiment: 'POSITIVE',
      displayOrder: 2,
      todoAction: 'COMPLETE_AND_REMOVE',
      automation: null,
    });

    const call = await gong.gql<{
      gongCall: { content: { callOutcome: Record<string, unknown> } };
    }>(
      `query($id: ID!) { gongCall(id: $id) { content { callOutcome { id category name
          definition { name category displayOrder } } } } }`,
      { id: CALL_ID },
    );
    expect(call.errors).toBeUndefined();
    expect(call.data?.gongCall.content.callOutcome).toEqual({
      id: 'MEETING_BOOKED',
      category: 'Answered',
      name: 'Meeting booked',
      definition: { name: 'Meeting booked', category: 'ANSWERED', displayOrder: 2 },
    });
  });
});

describe('the activity endpoints\' 404 "User not found"', () => {
  it('a batch with one unknown id answers every known user, and a NOT_FOUND for the unknown one', async () => {
    const before = gong.count('POST /v2/stats/activity/aggregate');
    const ids = [KNOWN[0], UNKNOWN, KNOWN[1], KNOWN[2]];
    const r = await gong.gql<{
      gongActivity: { userId: string; aggregate: { callsAsHost: number } | null }[];
    }>(
      `query($ids: [ID!]!) { gongActivity(userIds: $ids, from: "2025-01-01", to: "2025-02-01") {
          userId aggregate { callsAsHost } } }`,
      { ids },
    );
    expect(r.data?.gongActivity.map((a) => [a.userId, a.aggregate?.callsAsHost ?? null])).toEqual([
      [KNOWN[0], 10],
      [UNKNOWN, null],
      [KNOWN[1], 11],
      [KNOWN[2], 12],
    ]);
    expect(r.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['gongActivity', 1, 'aggregate'], 'NOT_FOUND'],
    ]);
    expect(r.errors?.[0]?.message).toContain(UNKNOWN);
    expect(gong.count('POST /v2/stats/activity/aggregate') - before).toBe(2);
  });
});
