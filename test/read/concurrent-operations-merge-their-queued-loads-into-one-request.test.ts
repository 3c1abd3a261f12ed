/**
 * Different GraphQL operations whose loads wait for the connection's budget at the same time share
 * one upstream request: with the connection's rate slots held, several operations asking for calls by id go out as one POST /v2/calls/extensive,
 * each operation gets its own calls, and an unknown id is null only where it was asked. Gong's
 * whole-batch 404 for an unknown user stays that user's: the other operation's users arrive.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type GraphQLResponse, type Harness } from './harness.js';
import { eventually } from '../support/eventually.js';
import { heldRateSlots } from '../support/held-rate-slots.js';

let h: Harness;
// While held, whatever asks Gong waits for the next start, as behind a full window.
const slots = heldRateSlots();
beforeAll(async () => {
  h = await startHarness({
    sandbox: { users: 20, calls: 60 },
    deps: () => ({ wrapLimiter: slots.wrapLimiter }),
  });
});
afterAll(() => h?.close());
beforeEach(() => h.reset());
afterEach(() => slots.release());

/** Waits (polling, bounded) until `cond` holds. */
const until = (cond: () => boolean | Promise<boolean>) => eventually(cond, 20_000, 'the condition');

/** DataLoader batches a loader has dispatched so far (each operation's loader batches once here). */
async function batches(loader: string): Promise<number> {
  const values = (await h.gateway.metrics.loaderBatchSize.get()).values;
  return values
    .filter((v) => v.metricName?.endsWith('_count') && v.labels.loader === loader)
    .reduce((s, v) => s + v.value, 0);
}

const counter = async (
  name: 'upstreamMergedRequests' | 'upstreamRequestsSaved',
  labels: Record<string, string>,
) =>
  (await h.gateway.metrics[name].get()).values
    .filter((v) =>
      Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
    )
    .reduce((s, v) => s + v.value, 0);

const UNKNOWN_CALL = '1234567890123456789';
const OTHER_UNKNOWN_CALL = '2234567890123456789';
const UNKNOWN_USER = '9876543210987654321';
const CALL = 'fragment C on GongCall { id title parties { name } }';
type Call = { id: string; title: string; parties: { name: string | null }[] } | null;

describe('concurrent operations', () => {
  it('merge their queued call loads into one POST /v2/calls/extensive; each gets its own calls and only its unknown id is null', async () => {
    const [a, b, c] = h.sandbox.control
      .allCalls()
      .filter((x) => !x.metaData.isPrivate)
      .map((x) => x.metaData.id);
    const before = await batches('calls');
    slots.hold();

    const ops: Promise<GraphQLResponse>[] = [
      h.gql(`query A($id: ID!) { gongCall(id: $id) { ...C } } ${CALL}`, { id: a }),
      h.gql(`query B($id: ID!) { gongCall(id: $id) { ...C } } ${CALL}`, { id: b }),
      h.gql(`query Many($ids: [ID!]!) { gongCallsByIds(ids: $ids) { ...C } } ${CALL}`, {
        ids: [c, UNKNOWN_CALL],
      }),
      h.gql(`query Missing($id: ID!) { gongCall(id: $id) { ...C } } ${CALL}`, {
        id: OTHER_UNKNOWN_CALL,
      }),
    ];
    // Every operation's loader has asked while the merged request still waits for its start.
    await until(async () => (await batches('calls')) - before >= 4);
    expect(h.upstream().filter((e) => e.path === '/v2/calls/extensive')).toHaveLength(0);
    slots.release();

    const [ra, rb, rmany, rmissing] = (await Promise.all(ops)) as [
      GraphQLResponse<{ gongCall: Call }>,
      GraphQLResponse<{ gongCall: Call }>,
      GraphQLResponse<{ gongCallsByIds: Call[] }>,
      GraphQLResponse<{ gongCall: Call }>,
    ];
    for (const r of [ra, rb, rmany, rmissing]) expect(r.errors).toBeUndefined();
    expect(ra.data?.gongCall?.id).toBe(a);
    expect(rb.data?.gongCall?.id).toBe(b);
    expect(ra.data?.gongCall?.parties.length).toBeGreaterThan(0);
    expect(rmany.data?.gongCallsByIds.map((x) => x?.id ?? null)).toEqual([c, null]);
    expect(rmissing.data?.gongCall).toBeNull();

    const sent = h.upstream().filter((e) => e.path === '/v2/calls/extensive');
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { filter: { callIds: string[] } }).filter.callIds.sort()).toEqual(
      [a, b, c, UNKNOWN_CALL, OTHER_UNKNOWN_CALL].sort(),
    );
    expect(await counter('upstreamMergedRequests', { endpoint: 'calls.extensive' })).toBe(1);
    expect(await counter('upstreamRequestsSaved', { reason: 'merge' })).toBe(3);
  });

  it("keep Gong's 404 for an unknown user to that operation: the other operation's users arrive", async () => {
    const before = await batches('users');
    // Names two users.
    const listed = await h.gql<{ gongUsers: { nodes: { id: string }[] } }>(
      '{ gongUsers(first: 2) { nodes { id } } }',
    );
    const [u1, u2] = listed.data!.gongUsers.nodes.map((u) => u.id) as [string, string];
    h.reset();
    slots.hold();

    const known = h.gql<{ gongUsersByIds: ({ id: string } | null)[] }>(
      'query Known($ids: [ID!]!) { gongUsersByIds(ids: $ids) { id } }',
      { ids: [u1, u2] },
    );
    const unknown = h.gql<{ gongUser: { id: string } | null }>(
      'query Unknown($id: ID!) { gongUser(id: $id) { id } }',
      { id: UNKNOWN_USER },
    );
    await until(async () => (await batches('users')) - before >= 2);
    expect(h.upstream().filter((e) => e.path === '/v2/users/extensive')).toHaveLength(0);
    slots.release();

    const [rk, ru] = await Promise.all([known, unknown]);
    expect(rk.errors).toBeUndefined();
    expect(ru.errors).toBeUndefined();
    expect(rk.data?.gongUsersByIds).toEqual([{ id: u1 }, { id: u2 }]);
    expect(ru.data?.gongUser).toBeNull();
    // One merged request (Gong: 404 naming the unknown user), then the known users again.
    const sent = h.upstream().filter((e) => e.path === '/v2/users/extensive');
    expect(
      sent.map((e) => [
        e.status,
        (e.body as { filter: { userIds: string[] } }).filter.userIds.sort(),
      ]),
    ).toEqual([
      [404, [u1, u2, UNKNOWN_USER].sort()],
      [200, [u1, u2].sort()],
    ]);
  });
});
