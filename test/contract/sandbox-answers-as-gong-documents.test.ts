/**
 * The sandbox over HTTP against Gong's documented answers: every body conforms to the schema
 * Gong's OpenAPI document gives for that endpoint and status, every status is one the document
 * lists, and error bodies carry the literal messages real Gong sends (docs/gong-contract.md).
 * Nothing is imported from src/ but the sandbox itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { bearerToken } from '../sandbox/support.js';
import { responseProblems, specLists } from './support/gong-spec.js';
import { expectAny, expectMatching, expectObjectContaining } from '../support/match.js';

let sb: Sandbox;
let limited: Sandbox;
beforeAll(async () => {
  [sb, limited] = await Promise.all([
    startSandbox({ rateLimit: false, users: 130, calls: 150 }),
    startSandbox({ users: 3, calls: 3, rateLimit: { perSecond: 1, perDay: 1000 } }),
  ]);
});
afterAll(() => Promise.all([sb.close(), limited.close()]));

const basic = (s: Sandbox) =>
  `Basic ${Buffer.from(`${s.accessKey}:${s.accessKeySecret}`).toString('base64')}`;
const REQUEST_ID = /^[0-9a-z]{18,19}$/;
const ALL_TIME = 'fromDateTime=2000-01-01T00:00:00Z&toDateTime=2100-01-01T00:00:00Z';
const EMPTY_TIME = 'fromDateTime=2001-01-01T00:00:00Z&toDateTime=2001-01-02T00:00:00Z';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One request, checked: the status is listed for `op` and the body conforms to its schema. */
async function call(
  op: string,
  path: string,
  body?: unknown,
  s: Sandbox = sb,
  authorization = basic(s),
): Promise<Reply> {
  const [method = 'GET'] = op.split(' ');
  const res = await fetch(`${s.tenantUrl}${path}`, {
    method,
    headers: {
      authorization,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const reply = {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
  expect(
    specLists(op, reply.status),
    `${op} answered ${reply.status}, a status Gong's spec does not list`,
  ).toBe(true);
  expect(responseProblems(op, reply.status, reply.body)).toEqual([]);
  expect(reply.body.requestId).toMatch(REQUEST_ID);
  return reply;
}

/** Gong's ErrorResponse with exactly these messages. */
const errorBody = (...errors: string[]) => ({
  requestId: expectMatching(REQUEST_ID),
  errors,
});

describe('documented answers', () => {
  it('GET /v2/users pages 100 a time: 0-based page numbers, a cursor only while more exist', async () => {
    const first = await call('GET /v2/users', '/v2/users');
    expect(first.status).toBe(200);
    expect(first.body.records).toEqual({
      totalRecords: 130,
      currentPageSize: 100,
      currentPageNumber: 0,
      cursor: expectAny(String),
    });
    const cursor = (first.body.records as { cursor: string }).cursor;
    const second = await call('GET /v2/users', `/v2/users?cursor=${encodeURIComponent(cursor)}`);
    expect(second.body.records).toEqual({
      totalRecords: 130,
      currentPageSize: 30,
      currentPageNumber: 1,
    });
  });

  it('GET /v2/users/{id}: 200 {requestId, user}; 404 "User not found"', async () => {
    const id = sb.control.allCalls()[0]!.metaData.primaryUserId!;
    expect((await call('GET /v2/users/{id}', `/v2/users/${id}`)).body).toEqual({
      requestId: expectAny(String),
      user: expectObjectContaining({ id }),
    });
    const missing = await call('GET /v2/users/{id}', '/v2/users/99999999999999');
    expect([missing.status, missing.body]).toEqual([404, errorBody('User not found')]);
  });

  it('POST /v2/users/extensive: 404 naming unknown userIds', async () => {
    const r = await call('POST /v2/users/extensive', '/v2/users/extensive', {
      filter: { userIds: ['99999999999999'] },
    });
    expect([r.status, r.body]).toEqual([
      404,
      errorBody('The following userIds were not found: 99999999999999'),
    ]);
  });

  it('GET /v2/workspaces and GET /v2/flows answer 200 in the documented shape', async () => {
    expect((await call('GET /v2/workspaces', '/v2/workspaces')).status).toBe(200);
    const owner = sb.control.allCalls()[0]!.metaData.primaryUserId!;
    const user = (await call('GET /v2/users/{id}', `/v2/users/${owner}`)).body.user as {
      emailAddress: string;
    };
    const flows = await call(
      'GET /v2/flows',
      `/v2/flows?flowOwnerEmail=${encodeURIComponent(user.emailAddress)}`,
    );
    expect([200, 400]).toContain(flows.status);
  });

  it("GET /v2/calls and GET /v2/calls/{id}: 200 in shape; 404 with Gong's exact messages when nothing matches", async () => {
    const list = await call('GET /v2/calls', `/v2/calls?${ALL_TIME}`);
    expect(list.status).toBe(200);
    const id = (list.body.calls as { id: string }[])[0]!.id;
    expect((await call('GET /v2/calls/{id}', `/v2/calls/${id}`)).body).toEqual({
      requestId: expectAny(String),
      call: expectObjectContaining({ id }),
    });
    const none = await call('GET /v2/calls', `/v2/calls?${EMPTY_TIME}`);
    expect([none.status, none.body]).toEqual([
      404,
      errorBody('No calls found corresponding to the provided filters'),
    ]);
    const unknown = await call('GET /v2/calls/{id}', '/v2/calls/1234567890123456789');
    expect([unknown.status, unknown.body]).toEqual([
      404,
      errorBody('Call ID 1234567890123456789 was not found'),
    ]);
  });

  it('POST /v2/calls/extensive with every section and both context timings conforms; empty is the same 404', async () => {
    const all = {
      context: 'Extended',
      contextTiming: ['Now', 'TimeOfCall'],
      exposedFields: {
        parties: true,
        content: {
          structure: true,
          topics: true,
          trackers: true,
          trackerOccurrences: true,
          pointsOfInterest: true,
          brief: true,
          outline: true,
          highlights: true,
          callOutcome: true,
          keyPoints: true,
        },
        interaction: { speakers: true, video: true, personInteractionStats: true, questions: true },
        collaboration: { publicComments: true },
        media: true,
      },
    };
    const r = await call('POST /v2/calls/extensive', '/v2/calls/extensive', {
      filter: {},
      contentSelector: all,
    });
    expect(r.status).toBe(200);
    expect((r.body.calls as unknown[]).length).toBe(100);
    const none = await call('POST /v2/calls/extensive', '/v2/calls/extensive', {
      filter: { fromDateTime: '2001-01-01T00:00:00Z', toDateTime: '2001-01-02T00:00:00Z' },
    });
    expect([none.status, none.body]).toEqual([
      404,
      errorBody('No calls found corresponding to the provided filters'),
    ]);
  });

  it('POST /v2/calls/transcript conforms; empty is the same 404', async () => {
    const id = sb.control.allCalls()[0]!.metaData.id;
    expect(
      (
        await call('POST /v2/calls/transcript', '/v2/calls/transcript', {
          filter: { callIds: [id] },
        })
      ).status,
    ).toBe(200);
    const none = await call('POST /v2/calls/transcript', '/v2/calls/transcript', {
      filter: { fromDateTime: '2001-01-01T00:00:00Z', toDateTime: '2001-01-02T00:00:00Z' },
    });
    expect([none.status, none.body]).toEqual([
      404,
      errorBody('No calls found corresponding to the provided filters'),
    ]);
  });

  it('answers a forged cursor with 400 "Failed to verify cursor"', async () => {
    const r = await call(
      'GET /v2/calls',
      `/v2/calls?${ALL_TIME}&cursor=eyJhbGciOiJIUzI1NiJ9.e30.forged`,
    );
    expect([r.status, r.body]).toEqual([400, errorBody('Failed to verify cursor')]);
  });

  it('POST /v2/calls: 200 {requestId, callId}; 400 bean-validation messages like the recorded answer; PUT media 201', async () => {
    const primary = sb.control.allCalls()[0]!.metaData.primaryUserId!;
    const invalid = await call('POST /v2/calls', '/v2/calls', {
      clientUniqueId: 'contract-0',
      primaryUser: primary,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([
        'parties: must not be null',
        'direction: must not be null',
        'actualStart: must not be null',
      ]),
    );
    const created = await call('POST /v2/calls', '/v2/calls', {
      clientUniqueId: 'contract-1',
      actualStart: '2025-06-01T10:00:00-07:00',
      direction: 'Outbound',
      primaryUser: primary,
      parties: [
        { userId: primary, partyId: '1' },
        {
          emailAddress: 'pat@customer.example',
          partyId: '2',
          context: [
            { system: 'Salesforce', objects: [{ objectType: 'Lead,Contact', objectId: '00Q1' }] },
          ],
        },
      ],
      context: [
        {
          system: 'Salesforce',
          objects: [{ objectType: 'Opportunity,Account', objectId: '0061' }],
        },
      ],
      speakersTimeline: {
        precise: true,
        speechSegments: [{ fromTime: 5100, toTime: 24000, partyIds: ['1'] }],
      },
    });
    expect(created.body).toEqual({
      requestId: expectAny(String),
      callId: expectMatching(/^\d{1,20}$/),
    });
    const form = new FormData();
    form.append('mediaFile', new Blob([Buffer.alloc(64)], { type: 'audio/mpeg' }), 'a.mp3');
    const res = await fetch(`${sb.tenantUrl}/v2/calls/${String(created.body.callId)}/media`, {
      method: 'PUT',
      headers: { authorization: basic(sb) },
      body: form,
    });
    const media = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(201);
    expect(responseProblems('PUT /v2/calls/{id}/media', 201, media)).toEqual([]);
    expect(media).toMatchObject({ callId: created.body.callId });
  });

  it.each([
    ['system outside the spec enum', { context: [{ system: 'Pipedrive' }] }, 'context.0.system'],
    [
      'a fractional speech time',
      { speakersTimeline: { speechSegments: [{ fromTime: 0.5, toTime: 9, partyIds: ['1'] }] } },
      'speakersTimeline.speechSegments.0.fromTime',
    ],
    [
      'a negative speech time',
      { speakersTimeline: { speechSegments: [{ fromTime: -1, toTime: 9, partyIds: ['1'] }] } },
      'speakersTimeline.speechSegments.0.fromTime',
    ],
    [
      'Lead,Contact on the call',
      {
        context: [
          { system: 'Salesforce', objects: [{ objectType: 'Lead,Contact', objectId: '1' }] },
        ],
      },
      'context.0.objects.0.objectType',
    ],
  ])('POST /v2/calls refuses %s with 400 naming the field', async (_what, extra, field) => {
    const primary = sb.control.allCalls()[0]!.metaData.primaryUserId!;
    const body = {
      clientUniqueId: `contract-${field}`,
      actualStart: '2025-06-01T10:00:00Z',
      direction: 'Inbound',
      primaryUser: primary,
      parties: [{ userId: primary, partyId: '1' }],
      ...extra,
    };
    const r = await call('POST /v2/calls', '/v2/calls', body);
    expect(r.status).toBe(400);
    expect((r.body.errors as string[]).some((m) => m.startsWith(`${field}: `))).toBe(true);
  });

  it("answers a Bearer token without the endpoint's scope as real Gong did: 401 naming the scope", async () => {
    // Recorded live answers (ten endpoints); Gong's spec omits 401 for some of them, so no spec check here.
    const { access_token } = await bearerToken(sb, ['api:users:read']);
    const res = await fetch(`${sb.tenantUrl}/v2/calls?${ALL_TIME}`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(
      errorBody("You don't have permission to use 'api:calls:read:basic' in your app."),
    );
  });

  it('answers over the rate limit with 429, an integer Retry-After and an ErrorResponse', async () => {
    let r: Reply | undefined;
    for (let i = 0; i < 10 && r?.status !== 429; i++)
      r = await call('GET /v2/workspaces', '/v2/workspaces', undefined, limited);
    expect(r?.status).toBe(429);
    expect(r?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(r?.body).toEqual({
      requestId: expectMatching(REQUEST_ID),
      errors: [expect.any(String)],
    });
  });
});
