/**
 * Gong's contract for the stats, settings and library endpoints, checked against the sandbox over
 * HTTP. Independent of our code: field names, types, statuses and messages are written out here
 * from Gong's OpenAPI document (schemas UsersDayByDayActivity, CompanyUsersAggregateActivityResponse,
 * UsersAggregateByPeriodActivity, CompanyUsersIntercationStatsResponse, AnsweredScorecards,
 * Scorecards, Trackers, LibraryResponse, LibraryFolderListOfCallsResponse, Records,
 * ErrorResponse) and from recorded Gong answers; nothing is parsed with our zod schemas or
 * imported constants. Call outcomes are newer than the spec copy: their shape is the documented
 * `content.callOutcome` `{id, category, name}` (inferred for the list endpoint).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

type Json = Record<string, unknown>;
/** Gong's Records. */
interface Records {
  totalRecords: number;
  currentPageSize: number;
  currentPageNumber: number;
  cursor?: string;
}
/** Every answer's envelope; the rest is read as plain JSON. */
interface Body extends Json {
  requestId?: string;
  errors?: unknown;
  records: Records;
}

let sb: Sandbox;
let basic: string;
const today = new Date(Date.now() - 7 * 3_600_000).toISOString().slice(0, 10); // the tenant's -07:00 day
const monthAgo = new Date(Date.now() - 7 * 3_600_000 - 30 * 86_400_000).toISOString().slice(0, 10);

async function call(
  method: string,
  path: string,
  body?: unknown,
  auth = basic,
  base = sb.url,
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: auth,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

/** Gong's Records: 0-based page number, cursor only when another page exists. */
function expectRecords(r: Records, total: number, pageNumber = 0) {
  expect(r).toMatchObject({ totalRecords: total, currentPageNumber: pageNumber });
  expect(typeof r.currentPageSize).toBe('number');
}
const expectRequestId = (b: Json) => expect(b.requestId).toMatch(/^[0-9a-z]{18,19}$/);
const expectErrorResponse = (b: Json) => {
  expectRequestId(b);
  expect(Array.isArray(b.errors) && b.errors.every((m: unknown) => typeof m === 'string')).toBe(
    true,
  );
};

const COUNT_FIELDS = [
  'callsAsHost',
  'callsGaveFeedback',
  'callsRequestedFeedback',
  'callsReceivedFeedback',
  'ownCallsListenedTo',
  'othersCallsListenedTo',
  'callsSharedInternally',
  'callsSharedExternally',
  'callsScorecardsFilled',
  'callsScorecardsReceived',
  'callsAttended',
  'callsCommentsGiven',
  'callsCommentsReceived',
  'callsMarkedAsFeedbackGiven',
  'callsMarkedAsFeedbackReceived',
];

beforeAll(async () => {
  sb = await startSandbox({ rateLimit: false, users: 130, calls: 1200 });
  basic = `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`;
});
afterAll(() => sb.close());

describe('POST /v2/stats/activity/aggregate, aggregate-by-period, day-by-day', () => {
  const filter = () => ({ fromDate: monthAgo, toDate: today });

  it('answers aggregate activity with one record per active user, integer counts, 100 a page with a cursor', async () => {
    const r = await call('POST', '/v2/stats/activity/aggregate', { filter: filter() });
    expect(r.status).toBe(200);
    expectRequestId(r.body);
    expect(r.body.records.totalRecords).toBeGreaterThan(100);
    expectRecords(r.body.records, r.body.records.totalRecords);
    expect(r.body.records.currentPageSize).toBe(100);
    expect(typeof r.body.records.cursor).toBe('string');
    for (const k of ['fromDateTime', 'toDateTime', 'timeZone'])
      expect(typeof r.body[k]).toBe('string');
    const [first] = r.body.usersAggregateActivityStats as Json[];
    expect(first?.userId).toMatch(/^\d{1,20}$/);
    expect(first?.userEmailAddress).toMatch(/@/);
    const stats = first?.userAggregateActivityStats as Json;
    for (const k of COUNT_FIELDS) expect(Number.isInteger(stats[k])).toBe(true);

    const next = await call('POST', '/v2/stats/activity/aggregate', {
      filter: filter(),
      cursor: r.body.records.cursor,
    });
    expect(next.status).toBe(200);
    expectRecords(next.body.records, r.body.records.totalRecords, 1);
    expect(next.body.records.cursor).toBeUndefined();
    // A cursor is bound to the rest of the request: Gong's literal answer otherwise.
    const moved = await call('POST', '/v2/stats/activity/aggregate', {
      filter: { ...filter(), userIds: [first?.userId] },
      cursor: r.body.records.cursor,
    });
    expect(moved.status).toBe(400);
    expect(moved.body.errors).toEqual(['Failed to verify cursor']);
  });

  it('aggregate-by-period: an entry per period with its dates; aggregationPeriod is one of DAY, WEEK, MONTH, QUARTER, YEAR', async () => {
    const r = await call('POST', '/v2/stats/activity/aggregate-by-period', {
      aggregationPeriod: 'WEEK',
      filter: filter(),
    });
    expect(r.status).toBe(200);
    const [u] = r.body.usersAggregateActivity as Json[];
    expect(u?.userId).toMatch(/^\d+$/);
    const periods = u?.userAggregateActivity as Json[];
    expect(periods.length).toBeGreaterThanOrEqual(4);
    for (const p of periods) {
      for (const k of COUNT_FIELDS) expect(Number.isInteger(p[k])).toBe(true);
      expect(p.fromDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/);
      expect(p.toDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    const bad = await call('POST', '/v2/stats/activity/aggregate-by-period', {
      aggregationPeriod: 'FORTNIGHT',
      filter: filter(),
    });
    expect(bad.status).toBe(400);
    expectErrorResponse(bad.body);
    const missing = await call('POST', '/v2/stats/activity/aggregate-by-period', {
      filter: filter(),
    });
    expect(missing.status).toBe(400);
  });

  it('day-by-day: call ids (strings) per day', async () => {
    const r = await call('POST', '/v2/stats/activity/day-by-day', { filter: filter() });
    expect(r.status).toBe(200);
    const users = r.body.usersDetailedActivities as Json[];
    const days = users.flatMap((u) => u.userDailyActivityStats as Json[]);
    expect(days.some((d) => (d.callsAsHost as unknown[]).length > 0)).toBe(true);
    for (const d of days.slice(0, 50))
      for (const k of COUNT_FIELDS)
        expect((d[k] as unknown[]).every((id) => typeof id === 'string' && /^\d+$/.test(id))).toBe(
          true,
        );
  });

  it('fromDate and toDate are required days; a missing filter is 400 with an ErrorResponse', async () => {
    for (const body of [
      {},
      { filter: { fromDate: monthAgo } },
      { filter: { fromDate: '01/02/2024', toDate: today } },
    ]) {
      const r = await call('POST', '/v2/stats/activity/day-by-day', body);
      expect(r.status).toBe(400);
      expectErrorResponse(r.body);
    }
  });
});

describe('POST /v2/stats/interaction', () => {
  it("per user, Gong's named stats as numbers", async () => {
    const r = await call('POST', '/v2/stats/interaction', {
      filter: { fromDate: monthAgo, toDate: today },
    });
    expect(r.status).toBe(200);
    const [u] = r.body.peopleInteractionStats as Json[];
    const names = (u?.personInteractionStats as Json[]).map((s) => s.name as string);
    // The spec's list for this endpoint; it has no Talk Ratio.
    expect(names.sort()).toEqual([
      'Interactivity',
      'Longest Customer Story',
      'Longest Monologue',
      'Patience',
      'Question Rate',
    ]);
    for (const s of u?.personInteractionStats as Json[]) expect(typeof s.value).toBe('number');
  });
});

describe('POST /v2/stats/activity/scorecards', () => {
  it('answered scorecards with int64 ids, visibility, answers; empty filters are allowed', async () => {
    const r = await call('POST', '/v2/stats/activity/scorecards', { filter: {} });
    expect(r.status).toBe(200);
    expect(r.body.records.totalRecords).toBeGreaterThan(0);
    const [a] = r.body.answeredScorecards as Json[];
    for (const k of ['answeredScorecardId', 'scorecardId'])
      expect(Number.isInteger(a?.[k])).toBe(true);
    expect(typeof a?.scorecardName).toBe('string');
    expect(['PUBLIC', 'PRIVATE', 'OPT_IN_USERS']).toContain(a?.visibilityType);
    expect(a?.callStartTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(a?.reviewTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    for (const ans of a?.answers as Json[]) {
      expect(Number.isInteger(ans.questionId)).toBe(true);
      expect(typeof ans.isOverall).toBe('boolean');
      expect(typeof ans.notApplicable).toBe('boolean');
    }
  });

  it('filters by reviewed users and review days ([from, to), YYYY-MM-DD)', async () => {
    const all = (await call('POST', '/v2/stats/activity/scorecards', { filter: {} })).body
      .answeredScorecards as Json[];
    const who = String(all[0]?.reviewedUserId);
    const r = await call('POST', '/v2/stats/activity/scorecards', {
      filter: { reviewedUserIds: [who], reviewFromDate: monthAgo },
    });
    expect(r.status === 200 || r.status === 404).toBe(true);
    for (const a of (r.body.answeredScorecards ?? []) as Json[])
      expect(String(a.reviewedUserId)).toBe(who);
    const none = await call('POST', '/v2/stats/activity/scorecards', {
      filter: { reviewFromDate: '2001-01-01', reviewToDate: '2001-01-02' },
    });
    expect(none.status).toBe(404);
    expectErrorResponse(none.body);
  });
});

describe('settings and library reads (no paging, no records)', () => {
  it('GET /v2/settings/scorecards: scorecards with their questions', async () => {
    const r = await call('GET', '/v2/settings/scorecards');
    expect(r.status).toBe(200);
    expect(r.body.records).toBeUndefined();
    const [s] = r.body.scorecards as Json[];
    expect(Number.isInteger(s?.scorecardId)).toBe(true);
    expect(typeof s?.enabled).toBe('boolean');
    const q = (s?.questions as Json[])[0];
    expect(Number.isInteger(q?.questionId)).toBe(true);
    expect(typeof q?.questionText).toBe('string');
  });

  it('GET /v2/settings/trackers: keyword trackers, all workspaces or one', async () => {
    const r = await call('GET', '/v2/settings/trackers');
    expect(r.status).toBe(200);
    const [t] = r.body.keywordTrackers as Json[];
    expect(t?.trackerId).toMatch(/^\d+$/);
    expect(['Anyone', 'Company', 'NonCompany']).toContain(t?.affiliation);
    expect(['Anytime', 'First', 'Last']).toContain(t?.saidAt);
    const ws = (await call('GET', `/v2/settings/trackers?workspaceId=${String(t?.workspaceId)}`))
      .body.keywordTrackers as Json[];
    expect(ws.every((x) => x.workspaceId === t?.workspaceId)).toBe(true);
  });

  it('GET /v2/library/folders and /v2/library/folder-content: folders and the calls in one', async () => {
    const r = await call('GET', '/v2/library/folders');
    expect(r.status).toBe(200);
    const folders = r.body.folders as Json[];
    expect(folders.some((f) => f.parentFolderId === null)).toBe(true);
    const content = await call(
      'GET',
      `/v2/library/folder-content?folderId=${String(folders[0]?.id)}`,
    );
    expect(content.status).toBe(200);
    expect(content.body).toMatchObject({ id: folders[0]?.id, name: folders[0]?.name });
    const [c] = content.body.calls as Json[];
    expect(c?.id).toMatch(/^\d+$/);
    expect(c?.url).toContain(`id=${String(c?.id)}`);
    const missing = await call('GET', '/v2/library/folder-content');
    expect(missing.status).toBe(400);
    expectErrorResponse(missing.body);
  });

  it("GET /v2/call-outcomes: a live answer's envelope, no ids, upper-case values; a call's outcome matches one by name", async () => {
    const r = await call('GET', '/v2/call-outcomes');
    expect(r.status).toBe(200);
    expectRequestId(r.body);
    expect(r.body.callOutcomes).toBeUndefined();
    const outcomes = r.body.outcomes as Json[];
    expect(outcomes).toHaveLength(16);
    for (const o of outcomes) {
      expect(Object.keys(o).sort()).toEqual([
        'automation',
        'callOutcome',
        'category',
        'connectStatus',
        'displayOrder',
        'sentiment',
        'todoAction',
      ]);
      expect(['ANSWERED', 'NOT_ANSWERED']).toContain(o.category);
      expect(['CONNECTED', 'NOT_CONNECTED']).toContain(o.connectStatus);
      expect(['POSITIVE', 'NEUTRAL', 'NEGATIVE']).toContain(o.sentiment);
      expect(['COMPLETE', 'COMPLETE_AND_REMOVE']).toContain(o.todoAction);
      expect(Number.isInteger(o.displayOrder)).toBe(true);
      expect(o.automation).toBeNull();
    }
    expect(outcomes.find((o) => o.callOutcome === 'Meeting booked')).toMatchObject({
      displayOrder: 2,
      connectStatus: 'CONNECTED',
      sentiment: 'POSITIVE',
      todoAction: 'COMPLETE_AND_REMOVE',
      category: 'ANSWERED',
    });
    // A call's content.callOutcome is Gong AI's {id, category, name} (the spec's CallOutcome).
    const calls = await call('POST', '/v2/calls/extensive', {
      filter: { fromDateTime: new Date(Date.now() - 30 * 86_400_000).toISOString() },
      contentSelector: { exposedFields: { content: { callOutcome: true } } },
    });
    expect(calls.status).toBe(200);
    const carried = (calls.body.calls as { content?: { callOutcome?: Json } }[]).flatMap((c) =>
      c.content?.callOutcome ? [c.content.callOutcome] : [],
    );
    expect(carried.length).toBeGreaterThan(0);
    for (const o of carried) {
      expect(Object.keys(o).sort()).toEqual(['category', 'id', 'name']);
      expect(o.id).toMatch(/^[A-Z0-9_]+$/);
      expect(['Answered', 'Not answered']).toContain(o.category);
      expect(outcomes.map((d) => d.callOutcome as string)).toContain(o.name);
    }
  });
});

describe('scopes (Bearer tokens only)', () => {
  it("a token without the endpoint's scope is refused, naming the scope", async () => {
    const redirect = 'https://app.example.com/cb';
    const authorize = new URL(sb.oauth.authorizeUrl);
    for (const [k, v] of Object.entries({
      client_id: sb.oauth.clientId,
      response_type: 'code',
      scope: 'api:users:read',
      redirect_uri: redirect,
      state: 's',
    }))
      authorize.searchParams.set(k, v);
    const code =
      new URL(
        (await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? '',
      ).searchParams.get('code') ?? '';
    const token = new URL(sb.oauth.tokenUrl);
    for (const [k, v] of Object.entries({
      grant_type: 'authorization_code',
      code,
      client_id: sb.oauth.clientId,
      redirect_uri: redirect,
    }))
      token.searchParams.set(k, v);
    const t = (await (
      await fetch(token, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${sb.oauth.clientId}:${sb.oauth.clientSecret}`).toString('base64')}`,
        },
      })
    ).json()) as Json;
    const bearer = `Bearer ${String(t.access_token)}`;
    const base = t.api_base_url_for_customer as string;
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/v2/stats/activity/aggregate',
        { filter: { fromDate: monthAgo, toDate: today } },
        'api:stats:user-actions',
      ],
      [
        'POST',
        '/v2/stats/activity/day-by-day',
        { filter: { fromDate: monthAgo, toDate: today } },
        'api:stats:user-actions:detailed',
      ],
      [
        'POST',
        '/v2/stats/interaction',
        { filter: { fromDate: monthAgo, toDate: today } },
        'api:stats:interaction',
      ],
      ['POST', '/v2/stats/activity/scorecards', { filter: {} }, 'api:stats:scorecards'],
      ['GET', '/v2/settings/scorecards', undefined, 'api:settings:scorecards:read'],
      ['GET', '/v2/settings/trackers', undefined, 'api:settings:trackers:read'],
      ['GET', '/v2/library/folders', undefined, 'api:library:read'],
    ];
    for (const [method, path, body, scope] of cases) {
      const r = await call(method, path, body, bearer, base);
      // Real Gong answers a missing scope with 401, not 403, and this literal message.
      expect(r.status).toBe(401);
      expect(r.body.errors).toEqual([`You don't have permission to use '${scope}' in your app.`]);
    }
  });
});
