/**
 * gongCreateCall against the sandbox: Gong's documented request body sent as GraphQL variables
 * creates a call that reads see after processing; a repeated clientUniqueId never makes a second
 * call (one POST /v2/calls in the sandbox's log); Gong's 400 and 409 come back typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWritesHarness, type WritesHarness } from './harness.js';

const CREATE = `mutation Create($input: GongCreateCallInput!) { gongCreateCall(input: $input) { callId requestId } }`;
type Created = { gongCreateCall: { callId: string; requestId: string } | null };

let h: WritesHarness;
beforeAll(async () => {
  h = await startWritesHarness();
});
afterAll(() => h?.close());

/** The example body of Gong's "Add new call" reference, with this tenant's user and workspace ids. */
function documentedBody(clientUniqueId: string): Record<string, unknown> {
  const user = h.users[0]!;
  const started = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    clientUniqueId,
    actualStart: started,
    title: 'Example call',
    purpose: 'Demo Call',
    scheduledStart: started,
    scheduledEnd: new Date(Date.parse(started) + 30 * 60_000).toISOString(),
    duration: 125.8,
    parties: [
      {
        phoneNumber: '+1 123-567-8989',
        emailAddress: user.emailAddress,
        name: 'Test User',
        partyId: '1',
        mediaChannelId: 0,
        userId: user.id,
      },
      {
        phoneNumber: '+1 555-000-1111',
        emailAddress: 'buyer@example.com',
        name: 'A Buyer',
        partyId: '2',
        mediaChannelId: 1,
        context: [
          {
            system: 'Salesforce',
            objects: [
              {
                objectType: 'Contact',
                objectId: '0031U00001XYZ',
                fields: [{ name: 'title', value: 'CFO' }],
              },
            ],
          },
        ],
      },
    ],
    direction: 'Inbound',
    disposition: 'No Answer',
    context: [
      {
        system: 'Salesforce',
        objects: [
          {
            objectType: 'Opportunity',
            objectId: '0013601230sV7grAAC',
            fields: [
              { name: 'name', value: 'Gong Inc.' },
              { name: 'amount', value: 1200.5 },
            ],
          },
        ],
      },
    ],
    customData: 'Conference Call',
    speakersTimeline: {
      precise: false,
      speechSegments: [
        { fromTime: 0, toTime: 30_000, partyIds: ['1'] },
        { fromTime: 30_000, toTime: 60_000, partyIds: ['2'] },
      ],
    },
    meetingUrl: 'https://www.zoom.us/j/123',
    callProviderCode: 'zoom',
    downloadMediaUrl: `https://upload-server.example.com/${clientUniqueId}.mp3`,
    workspaceId: h.workspaces[0]!.id,
    languageCode: 'en-US',
    primaryUser: user.id,
  };
}

const creates = () => h.upstream().filter((e) => e.endpoint === 'POST /v2/calls');

describe('gongCreateCall', () => {
  it('sends a Gong-documented body unchanged and the call appears in reads after processing', async () => {
    h.reset();
    const body = documentedBody('doc-example-1');
    const r = await h.gql<Created>(CREATE, { input: body });
    expect(r.errors).toBeUndefined();
    const { callId, requestId } = r.data!.gongCreateCall!;
    expect(callId).toMatch(/^\d{1,20}$/);
    expect(requestId).toMatch(/^[0-9a-z]{18,19}$/);
    // Gong received exactly the body the client sent (GraphQL added nothing, dropped nothing).
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.body).toEqual(body);

    await h.sandbox.control.tick();
    const read = await h.gql<{
      gongCall: {
        id: string;
        title: string;
        clientUniqueId: string;
        direction: string;
        purpose: string;
        primaryUserId: string;
      } | null;
    }>(
      `query($id: ID!) { gongCall(id: $id) { id title clientUniqueId direction purpose primaryUserId } }`,
      { id: callId },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.gongCall).toEqual({
      id: callId,
      title: 'Example call',
      clientUniqueId: 'doc-example-1',
      direction: 'Inbound',
      purpose: 'Demo Call',
      primaryUserId: body.primaryUser,
    });
  });

  it('a repeated create with the same clientUniqueId returns the first call without a second POST', async () => {
    h.reset();
    const input = documentedBody('retry-me');
    const first = await h.gql<Created>(CREATE, { input });
    const again = await h.gql<Created>(CREATE, { input });
    expect(again.errors).toBeUndefined();
    expect(again.data!.gongCreateCall).toEqual(first.data!.gongCreateCall);
    expect(creates()).toHaveLength(1);
    expect(
      h.sandbox.control.allCalls().filter((c) => c.metaData.clientUniqueId === 'retry-me'),
    ).toHaveLength(1);
  });

  it('concurrent identical creates share one upstream request', async () => {
    h.reset();
    const input = documentedBody('burst-1');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.gql<Created>(CREATE, { input })),
    );
    const ids = new Set(results.map((r) => r.data?.gongCreateCall?.callId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^\d+$/);
    expect(creates()).toHaveLength(1);
  });

  it("Gong's 409 for a clientUniqueId this gateway never created is CONFLICT with Gong's message", async () => {
    // A fresh gateway (no records) whose tenant already has the id: another integration made it.
    const other = await startWritesHarness();
    try {
      const auth = Buffer.from(
        `${other.sandbox.accessKey}:${other.sandbox.accessKeySecret}`,
      ).toString('base64');
      const body: Record<string, unknown> = {
        ...documentedBody('made-elsewhere'),
        primaryUser: other.users[0]!.id,
        workspaceId: other.workspaces[0]!.id,
      };
      (body.parties as Record<string, unknown>[])[0]!.userId = other.users[0]!.id;
      const direct = await fetch(`${other.sandbox.url}/v2/calls`, {
        method: 'POST',
        headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(direct.status).toBe(200);
      other.reset();
      const r = await other.gql<Created>(CREATE, { input: body });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 409 });
      expect(r.errors?.[0]?.extensions?.requestId).toMatch(/^[0-9a-z]{18,19}$/);
      expect(r.errors?.[0]?.message).toContain("clientUniqueId 'made-elsewhere' already exists");
      expect(other.upstream().filter((e) => e.endpoint === 'POST /v2/calls')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("Gong's 400 (a primaryUser Gong does not know) is BAD_USER_INPUT with Gong's messages, and is not remembered", async () => {
    h.reset();
    const input: Record<string, unknown> = {
      ...documentedBody('unknown-user'),
      primaryUser: '999999999999999999',
    };
    (input.parties as Record<string, unknown>[])[0]!.userId = '999999999999999999';
    const r = await h.gql<Created>(CREATE, { input });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 400 });
    expect(r.errors?.[0]?.message).toContain(
      'primaryUser: no Gong user with id 999999999999999999',
    );
    expect(creates()).toHaveLength(1);
    // A failed create leaves no record: fixing the input and retrying works.
    const fixed = await h.gql<Created>(CREATE, { input: documentedBody('unknown-user') });
    expect(fixed.errors).toBeUndefined();
    expect(creates()).toHaveLength(2);
  });
});
