/**
 * Interactive reads go ahead of background work in a connection's budget: while the flows full
 * read fans out (one request per active user, background priority) and waits for the
 * connection's rate slots (held by the test), a `gongUser` query that arrives later reaches Gong
 * before the fan-out has finished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { eventually } from '../support/eventually.js';
import { heldRateSlots } from '../support/held-rate-slots.js';

let h: Harness;
const slots = heldRateSlots();
beforeAll(async () => {
  h = await startHarness({
    sandbox: { users: 12, calls: 20 },
    deps: () => ({ wrapLimiter: slots.wrapLimiter }),
  });
});
afterAll(() => h?.close());

/** Waits (polling, bounded) until `cond` holds. */
const until = (cond: () => boolean | Promise<boolean>) => eventually(cond, 20_000, 'the condition');

describe('priority in the connection budget', () => {
  it('serves a later interactive query before the rest of a background flows fan-out', async () => {
    const userId = (
      await h.gql<{ gongUsers: { nodes: { id: string }[] } }>(
        '{ gongUsers(first: 1) { nodes { id } } }',
      )
    ).data!.gongUsers.nodes[0]!.id;
    h.reset();
    // The users list and two flows requests go out; the rest of the fan-out waits for a slot.
    slots.holdAfter(3);
    const flows = h.gql<{ gongFlows: { totalCount: number } }>(
      '{ gongFlows(first: 100) { totalCount } }',
    );
    const depth = () => h.gateway.clients.stats('default').queueDepth;
    await until(() => h.upstream().filter((e) => e.endpoint === 'GET /v2/flows').length >= 2);
    await until(() => depth() >= 3);
    // Then one user, interactively, queued behind them.
    const queued = depth();
    const pending = h.gql<{ gongUser: { id: string } }>(
      'query ($id: ID!) { gongUser(id: $id) { id } }',
      { id: userId },
    );
    await until(() => depth() > queued);
    slots.release();
    const user = await pending;
    expect(user.data?.gongUser.id).toBe(userId);
    expect((await flows).data?.gongFlows.totalCount).toBeGreaterThan(0);

    const log = h.upstream();
    const flowRequests = log.filter((e) => e.endpoint === 'GET /v2/flows');
    const userRequest = log.findIndex(
      (e) => e.path.startsWith('/v2/users/') || e.endpoint === 'POST /v2/users/extensive',
    );
    // The fan-out asks once per active user; the interactive request jumped the queue.
    expect(flowRequests.length).toBeGreaterThanOrEqual(8);
    expect(userRequest).toBeGreaterThan(-1);
    expect(userRequest).toBeLessThan(log.lastIndexOf(flowRequests.at(-1)!));
    expect(
      log.slice(userRequest + 1).filter((e) => e.endpoint === 'GET /v2/flows').length,
    ).toBeGreaterThanOrEqual(3);
  });
});
