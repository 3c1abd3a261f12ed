/**
 * Every rule of Gong's NewCallAddingRequest is checked before anything is sent: missing required
 * fields, bad enums, lengths, mediaChannelId 0|1, ISO dates, ids, the primary user's party and
 * speakersTimeline references are refused as BAD_USER_INPUT naming the field, and the sandbox's
 * log shows no POST /v2/calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWritesHarness, type WritesHarness } from './harness.js';

const CREATE = `mutation Create($input: GongCreateCallInput!) { gongCreateCall(input: $input) { callId requestId } }`;

let h: WritesHarness;
beforeAll(async () => {
  h = await startWritesHarness();
});
afterAll(() => h?.close());

function valid(): Record<string, unknown> {
  const user = h.users[0]!;
  return {
    clientUniqueId: 'validation-1',
    actualStart: '2024-05-01T09:30:00-07:00',
    direction: 'Outbound',
    parties: [
      { userId: user.id, partyId: 'a', mediaChannelId: 0 },
      { emailAddress: 'x@example.com', partyId: 'b' },
    ],
    primaryUser: user.id,
  };
}

type Patch = (b: Record<string, unknown>) => void;
const party = (b: Record<string, unknown>, i: number) =>
  (b.parties as Record<string, unknown>[])[i]!;

/** [rule, change to a valid body, the field named] */
const RULES: [string, Patch, string][] = [
  ['mediaChannelId is 0 or 1', (b) => (party(b, 0).mediaChannelId = 2), 'parties.0.mediaChannelId'],
  [
    'clientUniqueId at most 2048 chars',
    (b) => (b.clientUniqueId = 'x'.repeat(2049)),
    'clientUniqueId',
  ],
  ['clientUniqueId not empty', (b) => (b.clientUniqueId = ''), 'clientUniqueId'],
  ['purpose at most 255 chars', (b) => (b.purpose = 'p'.repeat(256)), 'purpose'],
  ['disposition at most 255 chars', (b) => (b.disposition = 'd'.repeat(256)), 'disposition'],
  ['actualStart ISO-8601 with offset', (b) => (b.actualStart = '2024-05-01 09:30'), 'actualStart'],
  ['actualStart a real date', (b) => (b.actualStart = '2024-13-45T09:30:00Z'), 'actualStart'],
  [
    'scheduledStart ISO-8601 with offset',
    (b) => (b.scheduledStart = '2024-05-01T09:30:00'),
    'scheduledStart',
  ],
  [
    'scheduledEnd not before scheduledStart',
    (b) =>
      Object.assign(b, {
        scheduledStart: '2024-05-01T10:00:00Z',
        scheduledEnd: '2024-05-01T09:00:00Z',
      }),
    'scheduledEnd',
  ],
  ['duration not negative', (b) => (b.duration = -1), 'duration'],
  ['at least one party', (b) => (b.parties = []), 'parties'],
  ['a party for the primary user', (b) => (b.parties = [{ userId: h.users[1]!.id }]), 'parties'],
  ['primaryUser is a Gong id', (b) => (b.primaryUser = 'alice'), 'primaryUser'],
  ['party userId is a Gong id', (b) => (party(b, 1).userId = 'u-1'), 'parties.1.userId'],
  ['workspaceId is a Gong id', (b) => (b.workspaceId = 'ws'), 'workspaceId'],
  [
    'context objectType enum',
    (b) =>
      (b.context = [{ system: 'Salesforce', objects: [{ objectType: 'Deal', objectId: '1' }] }]),
    'context.0.objects.0.objectType',
  ],
  [
    'party context objectType enum',
    (b) =>
      (party(b, 1).context = [
        { system: 'HubSpot', objects: [{ objectType: 'Company', objectId: '9' }] },
      ]),
    'parties.1.context.0.objects.0.objectType',
  ],
  ['context system not empty', (b) => (b.context = [{ system: '' }]), 'context.0.system'],
  [
    "context system in Gong's enum",
    (b) => (b.context = [{ system: 'Pipedrive' }]),
    'context.0.system',
  ],
  [
    "party context system in Gong's enum",
    (b) => (party(b, 1).context = [{ system: 'salesforce' }]),
    'parties.1.context.0.system',
  ],
  [
    'Lead,Contact is a party objectType only',
    (b) =>
      (b.context = [
        { system: 'Salesforce', objects: [{ objectType: 'Lead,Contact', objectId: '1' }] },
      ]),
    'context.0.objects.0.objectType',
  ],
  [
    'Opportunity,Account is a call objectType only',
    (b) =>
      (party(b, 1).context = [
        { system: 'Salesforce', objects: [{ objectType: 'Opportunity,Account', objectId: '1' }] },
      ]),
    'parties.1.context.0.objects.0.objectType',
  ],
  [
    'speech segment times are whole milliseconds',
    (b) =>
      (b.speakersTimeline = { speechSegments: [{ fromTime: 0.5, toTime: 1000, partyIds: ['a'] }] }),
    'speakersTimeline.speechSegments.0.fromTime',
  ],
  [
    'speech segment times are not negative',
    (b) =>
      (b.speakersTimeline = { speechSegments: [{ fromTime: -5, toTime: 1000, partyIds: ['a'] }] }),
    'speakersTimeline.speechSegments.0.fromTime',
  ],
  [
    'speech segment ends after it starts',
    (b) =>
      (b.speakersTimeline = {
        speechSegments: [{ fromTime: 5000, toTime: 1000, partyIds: ['a'] }],
      }),
    'speakersTimeline.speechSegments.0.toTime',
  ],
  [
    'speech segment names known parties',
    (b) =>
      (b.speakersTimeline = { speechSegments: [{ fromTime: 0, toTime: 1000, partyIds: ['zz'] }] }),
    'speakersTimeline.speechSegments.0.partyIds.0',
  ],
  [
    'downloadMediaUrl is an http(s) URL',
    (b) => (b.downloadMediaUrl = 'ftp://example.com/a.mp3'),
    'downloadMediaUrl',
  ],
  ['languageCode looks like en-US', (b) => (b.languageCode = 'english please'), 'languageCode'],
];

describe('gongCreateCall refuses invalid input before any upstream request', () => {
  it.each(RULES)('%s', async (_rule, patch, field) => {
    h.reset();
    const input = valid();
    patch(input);
    const r = await h.gql(CREATE, { input });
    expect(r.data ?? null).toBeNull();
    const e = r.errors?.[0];
    expect(e?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(e?.message).toContain(field);
    expect(h.upstream()).toEqual([]);
  });

  it.each([
    ['clientUniqueId', 'missing'],
    ['actualStart', 'missing'],
    ['direction', 'missing'],
    ['parties', 'missing'],
    ['primaryUser', 'missing'],
    ['direction', 'Sideways'],
    ['parties', [{ mediaChannelId: '1' }]],
  ])('GraphQL itself refuses %s = %j, naming it', async (field, value) => {
    h.reset();
    const input = valid();
    if (value === 'missing') delete input[field];
    else input[field] = value;
    const r = await h.gql(CREATE, { input });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain(field);
    expect(h.upstream()).toEqual([]);
  });

  it("takes the spec's combined objectTypes (Opportunity,Account on the call, Lead,Contact on a party) and integer times", async () => {
    h.reset();
    const input = valid();
    input.clientUniqueId = 'validation-combined';
    input.context = [
      {
        system: 'Salesforce',
        objects: [{ objectType: 'Opportunity,Account', objectId: '0063600000AbCdE' }],
      },
    ];
    party(input, 1).context = [
      { system: 'HubSpot', objects: [{ objectType: 'Lead,Contact', objectId: '901' }] },
    ];
    input.speakersTimeline = {
      precise: true,
      speechSegments: [{ fromTime: 0, toTime: 5100, partyIds: ['a', 'b'] }],
    };
    const r = await h.gql<{ gongCreateCall: { callId: string } }>(CREATE, { input });
    expect(r.errors).toBeUndefined();
    expect(h.upstream().map((e) => [e.endpoint, e.status])).toEqual([['POST /v2/calls', 200]]);
  });

  it('the valid body itself goes through (the rules above are the only difference)', async () => {
    h.reset();
    const r = await h.gql<{ gongCreateCall: { callId: string } }>(CREATE, { input: valid() });
    expect(r.errors).toBeUndefined();
    expect(h.upstream().map((e) => e.endpoint)).toEqual(['POST /v2/calls']);
  });
});
