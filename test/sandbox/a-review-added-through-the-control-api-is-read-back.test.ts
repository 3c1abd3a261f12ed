import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ rateLimit: false, users: 12, calls: 60 });
});
afterAll(() => sb.close());

const control = async (path: string, body: unknown) => {
  const r = await fetch(`${sb.url}/__sandbox${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('POST /__sandbox/scorecards/answer', () => {
  it("adds a review now, which Gong's answered-scorecards read then lists for that call", async () => {
    const callId = sb.control.allCalls()[0]?.metaData.id ?? '';
    const added = await control('/scorecards/answer', { callId });
    expect(added.status).toBe(200);
    const res = await fetch(`${sb.url}/v2/stats/activity/scorecards`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ filter: {} }),
    });
    const listed = (
      (await res.json()) as {
        answeredScorecards: { answeredScorecardId: number; callId: string }[];
      }
    ).answeredScorecards;
    expect(
      listed.filter((a) => a.callId === callId).map((a) => String(a.answeredScorecardId)),
    ).toContain(added.body.answeredScorecardId);
  });

  it('refuses a body without a callId (400) and an unknown call (404)', async () => {
    expect((await control('/scorecards/answer', { reviewerUserId: 1 })).status).toBe(400);
    expect((await control('/scorecards/answer', { callId: '1' })).status).toBe(404);
  });
});
