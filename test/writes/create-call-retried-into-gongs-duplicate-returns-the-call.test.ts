/**
 * A create whose answer is lost after Gong created the call (a 503 in place of the 200) is sent
 * again by the transport, meets Gong's duplicate answer (409), and resolves to the call Gong made:
 * the existing id, not a CONFLICT, and no second call. A create sent once that meets a 409 stays
 * a CONFLICT (test/writes/create-call.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWritesHarness, type WritesHarness } from './harness.js';

const CREATE = `mutation Create($input: GongCreateCallInput!) { gongCreateCall(input: $input) { callId requestId } }`;

let h: WritesHarness;
beforeAll(async () => {
  h = await startWritesHarness({ env: { GONG_MAX_RETRIES: '2' } });
});
afterAll(() => h?.close());

describe('a create retried into Gong’s duplicate answer', () => {
  it('returns the id of the call the lost attempt created', async () => {
    const user = h.users[0]!;
    const input = {
      clientUniqueId: 'dialer-upload-7731',
      actualStart: new Date(Date.now() - 3_600_000).toISOString(),
      duration: 42,
      direction: 'Outbound',
      primaryUser: user.id,
      parties: [
        { userId: user.id, emailAddress: user.emailAddress },
        { phoneNumber: '+1 555 0100' },
      ],
    };
    h.sandbox.control.addFault({
      pathPrefix: '/v2/calls',
      count: 1,
      kind: { type: 'lost-answer', status: 503 },
    });
    h.reset();
    const r = await h.gql<{ gongCreateCall: { callId: string } }>(CREATE, { input });
    expect(r.errors).toBeUndefined();
    const made = h.sandbox.control
      .allCalls()
      .filter((c) => c.metaData.clientUniqueId === 'dialer-upload-7731');
    expect(made).toHaveLength(1);
    expect(r.data?.gongCreateCall.callId).toBe(made[0]?.metaData.id);
    expect(h.upstream().map((e) => `${e.endpoint} ${e.status}`)).toEqual([
      'POST /v2/calls 503',
      'POST /v2/calls 409',
    ]);
    // Remembered: the next repeat costs no request.
    h.reset();
    const again = await h.gql<{ gongCreateCall: { callId: string } }>(CREATE, { input });
    expect(again.data?.gongCreateCall.callId).toBe(made[0]?.metaData.id);
    expect(h.upstream()).toEqual([]);
  });
});
