/**
 * `context(timing: [...])` passes Gong's contentSelector.contextTiming through: TIME_OF_CALL asks
 * for Extended context with contextTiming, the answer keeps the objects of the asked timings, and
 * the default (NOW) sends nothing extra. Bodies are read from the sandbox's request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let callId: string;
beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 10, calls: 60 } });
  // An external call: it has CRM context (internal calls have none).
  callId = h.sandbox.control.allCalls().find((c) => (c.context ?? []).length > 0)!.metaData.id;
});
afterAll(() => h.close());

type Ctx = {
  system: string;
  objects: {
    objectType: string;
    timing: string | null;
    fields: { name: string; value: unknown }[] | null;
  }[];
}[];
const selectorsSent = () =>
  h
    .upstream()
    .filter((e) => e.endpoint === 'POST /v2/calls/extensive')
    .map((e) => (e.body as { contentSelector?: unknown }).contentSelector);
const timingsOf = (c: Ctx) => [...new Set(c.flatMap((x) => x.objects.map((o) => o.timing)))].sort();

describe('CRM context timing', () => {
  it('sends contextTiming [Now, TimeOfCall] with Extended context and returns both', async () => {
    h.reset();
    const r = await h.gql<{ gongCall: { context: Ctx } }>(
      `query($id: ID!) { gongCall(id: $id) { context(timing: [NOW, TIME_OF_CALL]) { system objects { objectType timing fields { name value } } } } }`,
      { id: callId },
    );
    expect(r.errors).toBeUndefined();
    expect(selectorsSent()).toEqual([
      { context: 'Extended', contextTiming: ['Now', 'TimeOfCall'] },
    ]);
    expect(timingsOf(r.data!.gongCall.context)).toEqual(['Now', 'TimeOfCall']);
  });

  it('TIME_OF_CALL alone (from a variable) returns only the values at the time of the call, even without fields selected', async () => {
    h.reset();
    const r = await h.gql<{ gongCall: { context: Ctx } }>(
      `query($id: ID!, $t: [GongContextTiming!]) { gongCall(id: $id) { context(timing: $t) { system objects { objectType timing } } } }`,
      { id: callId, t: ['TIME_OF_CALL'] },
    );
    expect(r.errors).toBeUndefined();
    expect(selectorsSent()).toEqual([{ context: 'Extended', contextTiming: ['TimeOfCall'] }]);
    expect(timingsOf(r.data!.gongCall.context)).toEqual(['TimeOfCall']);
  });

  it("the default is Gong's default: no contextTiming sent, values as they are now", async () => {
    h.reset();
    const r = await h.gql<{ gongCall: { context: Ctx } }>(
      `query($id: ID!) { gongCall(id: $id) { context { objects { timing fields { name } } } } }`,
      { id: callId },
    );
    expect(r.errors).toBeUndefined();
    expect(selectorsSent()).toEqual([{ context: 'Extended' }]);
    expect(timingsOf(r.data!.gongCall.context)).toEqual(['Now']);
  });

  it('the sandbox refuses contextTiming without Extended context, as the spec says', async () => {
    const res = await fetch(`${h.sandbox.tenantUrl}/v2/calls/extensive`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${h.sandbox.accessKey}:${h.sandbox.accessKeySecret}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        filter: { callIds: [callId] },
        contentSelector: { context: 'Basic', contextTiming: ['TimeOfCall'] },
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: string[] }).errors).toEqual([
      "contentSelector.contextTiming: can be provided only when contentSelector.context is 'Extended'",
    ]);
  });
});
