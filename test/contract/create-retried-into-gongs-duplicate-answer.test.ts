/**
 * gongCreateCall against literal Gong answers: a create whose first attempt failed with Gong's 500
 * is sent again and meets a 409 that names no call; the gateway finds the call Gong made by its
 * clientUniqueId among the calls started at `actualStart` (GET /v2/calls, the spec's
 * CallBasicData) and returns its id. A 409 on a create sent once (Gong's documented "recording is
 * not enabled for the primary user") stays a CONFLICT and costs no lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiteralGong, type LiteralGong, type LiteralRequest } from './support/literal-gong.js';

const STARTED = '2025-02-03T18:00:02Z';
const MADE = '7782342274025937895';
const CREATE = `mutation($input: GongCreateCallInput!) { gongCreateCall(input: $input) { callId } }`;
const input = (clientUniqueId: string) => ({
  clientUniqueId,
  actualStart: STARTED,
  duration: 42,
  direction: 'Outbound',
  primaryUser: '234599484848423',
  parties: [{ userId: '234599484848423' }, { phoneNumber: '+1 555 0100' }],
});

let attempts = 0;
function answer(r: LiteralRequest) {
  const route = `${r.method} ${r.path}`;
  if (route === 'POST /v2/calls') {
    const id = (r.body as { clientUniqueId: string }).clientUniqueId;
    if (id === 'not-enabled')
      return {
        status: 409,
        body: {
          requestId: '1q2w3e4r5t6y7u8i9o0',
          errors: ['Recording is not enabled for the primary user'],
        },
      };
    attempts++;
    return attempts === 1
      ? {
          status: 500,
          body: {
            requestId: '2w3e4r5t6y7u8i9o0p1',
            errors: ['Failed to complete the operation due to an unexpected error'],
          },
        }
      : {
          status: 409,
          body: { requestId: '3e4r5t6y7u8i9o0p1a2', errors: ['This call was already uploaded'] },
        };
  }
  if (route === 'GET /v2/calls')
    return {
      status: 200,
      body: {
        requestId: '4r5t6y7u8i9o0p1a2s3',
        records: { totalRecords: 2, currentPageSize: 2, currentPageNumber: 0 },
        calls: [
          {
            id: '7782342274025930001',
            started: STARTED,
            clientUniqueId: 'another-upload',
            isPrivate: false,
          },
          {
            id: MADE,
            started: STARTED,
            clientUniqueId: 'dialer-7731',
            isPrivate: false,
            duration: 42,
          },
        ],
      },
    };
  return undefined;
}

let gong: LiteralGong;
beforeAll(async () => {
  gong = await startLiteralGong(answer, { GONG_MAX_RETRIES: '1' });
});
afterAll(() => gong?.close());

describe("a create that meets Gong's duplicate answer", () => {
  it('after a retry, resolves the existing call by its clientUniqueId', async () => {
    const r = await gong.gql<{ gongCreateCall: { callId: string } }>(CREATE, {
      input: input('dialer-7731'),
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongCreateCall.callId).toBe(MADE);
    expect(gong.count('POST /v2/calls')).toBe(2);
    const lookup = gong.requests.filter((q) => q.path === '/v2/calls' && q.method === 'GET');
    expect(lookup).toHaveLength(1);
    expect(lookup[0]?.query.get('fromDateTime')).toBe('2025-02-03T17:59:02.000Z');
    expect(lookup[0]?.query.get('toDateTime')).toBe('2025-02-03T18:01:02.000Z');
  });

  it('sent once, stays CONFLICT with no lookup', async () => {
    const before = gong.requests.length;
    const r = await gong.gql(CREATE, { input: input('not-enabled') });
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(gong.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /v2/calls',
    ]);
  });
});
