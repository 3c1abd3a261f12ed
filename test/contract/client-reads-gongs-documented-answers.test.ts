/**
 * The Gong client against Gong's documented answers, fed literally at its transport edge: the
 * example bodies of Gong's OpenAPI document, answers real Gong gave (recorded by other
 * integrations), and Gong's literal error statuses and messages. Nothing comes from
 * src/gong/wire.ts: if the client's reading of Gong drifts from Gong's own, these fail.
 */
import { describe, expect, it } from 'vitest';
import { gongAnswering } from './support/gong-answering.js';
import { exampleOf } from './support/gong-spec.js';

const failure = async (p: Promise<unknown>) => {
  const e = (await p.then(
    () => undefined,
    (err: unknown) => err,
  )) as { code?: string; details?: Record<string, unknown>; cursorExpired?: boolean } | undefined;
  if (!e) throw new Error('expected a failure');
  return e;
};

/** A user exactly as a live GET /v2/users answer carried it (identifiers replaced). */
const LIVE_USER = {
  id: '7402826218571234567',
  emailAddress: 'ola@example.com',
  created: '2026-07-29T02:13:11.046349-07:00',
  active: true,
  emailAliases: [],
  trustedEmailAddress: null,
  firstName: 'Ola',
  lastName: 'Nordmann',
  title: null,
  phoneNumber: null,
  extension: null,
  personalMeetingUrls: [],
  settings: {
    webConferencesRecorded: false,
    preventWebConferenceRecording: false,
    telephonyCallsImported: false,
    emailsImported: false,
    preventEmailImport: false,
    nonRecordedMeetingsImported: false,
    gongConnectEnabled: false,
  },
  managerId: null,
  meetingConsentPageUrl: null,
  conferencingProviders: null,
  spokenLanguages: [],
};

describe("the client reads Gong's documented bodies", () => {
  it("GET /v2/users: the spec's example, every field kept", async () => {
    const example = exampleOf('UsersMetadata');
    const { client } = gongAnswering({ status: 200, body: example });
    const page = await client.listUsers();
    expect(page.items).toEqual(example.users);
    expect(page.records).toEqual({
      totalRecords: 263,
      currentPageSize: 100,
      currentPageNumber: 0,
      cursor: 'eyJhbGciOiJIUzI1NiJ9.eyJjYWxsSWQiM1M30.6qKwpOcvnuweTZmFRzYdtjs_YwJphJU4QIwWFM',
    });
  });

  it('a live user with explicit nulls and conferencingProviders (not in the spec) passes untouched', async () => {
    const { client } = gongAnswering({
      status: 200,
      body: {
        requestId: '5s4cdfpcn8nfy4w5cuq',
        records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
        users: [LIVE_USER],
      },
    });
    expect(
      (await client.usersExtensive({ filter: { userIds: [LIVE_USER.id], includeAvatars: true } }))
        .items,
    ).toEqual([LIVE_USER]);
  });

  it("POST /v2/calls/extensive: the spec's example, dates as ISO strings", async () => {
    const example = exampleOf('Calls') as { calls: { metaData: Record<string, unknown> }[] };
    // The spec's example shows epoch numbers for scheduled/started although it types them as
    // ISO-8601 strings; real answers (the webhook capture) carry strings.
    const meta = example.calls[0]!.metaData;
    expect([meta.scheduled, meta.started]).toEqual([1518863400, 1518863400]);
    Object.assign(meta, {
      scheduled: '2018-02-17T02:30:00-08:00',
      started: '2018-02-17T02:30:00-08:00',
    });
    const { client } = gongAnswering({ status: 200, body: example });
    const page = await client.callsExtensive({ filter: { callIds: ['7782342274025937895'] } });
    expect(page.items).toEqual(example.calls);
    expect(page.items[0]?.metaData.id).toBe('7782342274025937895');
  });

  it("POST /v2/calls/transcript, GET /v2/workspaces, GET /v2/flows, GET /v2/calls/{id}, POST /v2/calls: the spec's examples", async () => {
    const transcripts = exampleOf('CallTranscripts');
    const workspaces = exampleOf('WorkspacesMetadata');
    const flows = exampleOf('FlowsResponse');
    const call = exampleOf('SpecificCall') as { call: Record<string, unknown> };
    Object.assign(call.call, {
      scheduled: '2018-02-17T02:30:00-08:00',
      started: '2018-02-17T02:30:00-08:00',
    });
    const created = exampleOf('NewCallAddingResponse');
    const { client } = gongAnswering(
      { status: 200, body: transcripts },
      { status: 200, body: workspaces },
      { status: 200, body: flows },
      { status: 200, body: call },
      { status: 200, body: created },
    );
    expect((await client.transcripts({ filter: {} })).items).toEqual(transcripts.callTranscripts);
    expect(await client.listWorkspaces()).toEqual(workspaces.workspaces);
    expect((await client.listFlows({ flowOwnerEmail: 'test@test.com' })).items).toEqual(
      flows.flows,
    );
    expect(await client.getCall('7782342274025937895')).toEqual(call.call);
    const body = {
      clientUniqueId: '123abc',
      actualStart: '2018-02-17T02:30:00-08:00',
      direction: 'Inbound' as const,
      parties: [{ userId: '234599484848423' }],
      primaryUser: '234599484848423',
    };
    expect(await client.createCall(body)).toEqual(created);
  });
});

describe("the client reads Gong's literal errors", () => {
  it('404 "No calls found corresponding to the provided filters" is an empty page, not an error', async () => {
    const none = {
      status: 404,
      body: {
        requestId: '4al018gzaztcr8nbukw',
        errors: ['No calls found corresponding to the provided filters'],
      },
    };
    const { client } = gongAnswering(none, none, none);
    expect(
      (
        await client.listCalls({
          fromDateTime: '2024-01-01T00:00:00Z',
          toDateTime: '2024-01-02T00:00:00Z',
        })
      ).items,
    ).toEqual([]);
    expect((await client.callsExtensive({ filter: {} })).items).toEqual([]);
    expect((await client.transcripts({ filter: {} })).items).toEqual([]);
  });

  it('any other 404 on a list is an error', async () => {
    const { client } = gongAnswering({
      status: 404,
      body: { requestId: '4al018gzaztcr8nbukw', errors: ['Workspace not found'] },
    });
    expect(
      (
        await failure(
          client.listCalls({
            fromDateTime: '2024-01-01T00:00:00Z',
            toDateTime: '2024-01-02T00:00:00Z',
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
  });

  it("401 \"You don't have permission to use '<scope>' in your app.\" is FORBIDDEN naming the scope", async () => {
    const { client } = gongAnswering({
      status: 401,
      body: {
        requestId: 'thrhbxbkqiw41ma1cl',
        errors: ["You don't have permission to use 'api:coaching:read' in your app."],
      },
    });
    const e = await failure(client.listWorkspaces());
    expect([e.code, e.details?.scope]).toEqual(['FORBIDDEN', 'api:coaching:read']);
  });

  it('any other 401 is UNAUTHENTICATED', async () => {
    const { client } = gongAnswering({
      status: 401,
      body: { requestId: 'thrhbxbkqiw41ma1cl', errors: ['access token has been revoked'] },
    });
    expect((await failure(client.listWorkspaces())).code).toBe('UNAUTHENTICATED');
  });

  it('400 "Failed to verify cursor" is a cursor failure the pager restarts from', async () => {
    const { client } = gongAnswering({
      status: 400,
      body: { requestId: '6s68ryso1a3c6rxz1gr', errors: ['Failed to verify cursor'] },
    });
    const e = await failure(client.listUsers({ cursor: 'stale' }));
    expect([e.code, e.cursorExpired]).toEqual(['BAD_USER_INPUT', true]);
  });

  it('404 "The following userIds were not found" asks again for the known ids only', async () => {
    const { client, sent } = gongAnswering(
      {
        status: 404,
        body: {
          requestId: '6s68ryso1a3c6rxz1gr',
          errors: ['The following userIds were not found: 111111111111111'],
        },
      },
      {
        status: 200,
        body: {
          requestId: '6s68ryso1a3c6rxz1gs',
          records: { totalRecords: 1, currentPageSize: 1, currentPageNumber: 0 },
          users: [LIVE_USER],
        },
      },
    );
    const page = await client.usersExtensive({
      filter: { userIds: ['111111111111111', LIVE_USER.id] },
    });
    expect(page.items.map((u) => u.id)).toEqual([LIVE_USER.id]);
    expect(sent.map((r) => (r.body as { filter: { userIds: string[] } }).filter.userIds)).toEqual([
      ['111111111111111', LIVE_USER.id],
      [LIVE_USER.id],
    ]);
  });

  it('404 "Call ID was not found" is null for one call; 409 on POST /v2/calls is CONFLICT', async () => {
    const { client } = gongAnswering(
      {
        status: 404,
        body: { requestId: '6s68ryso1a3c6rxz1gr', errors: ['Call ID was not found'] },
      },
      {
        status: 409,
        body: {
          requestId: '6s68ryso1a3c6rxz1gr',
          errors: ['Recording is not enabled for the primary user'],
        },
      },
    );
    expect(await client.getCall('7782342274025937895')).toBeNull();
    const body = {
      clientUniqueId: '123abc',
      actualStart: '2018-02-17T02:30:00-08:00',
      direction: 'Inbound' as const,
      parties: [{ userId: '234599484848423' }],
      primaryUser: '234599484848423',
    };
    expect((await failure(client.createCall(body))).code).toBe('CONFLICT');
  });
});
