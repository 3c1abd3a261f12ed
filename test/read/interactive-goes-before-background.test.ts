/**
 * Interactive reads go ahead of background work in a connection's budget: while the flows full
 * read fans out (one request per active user, background priority) at Gong's real 3/s, a
 * `gongUser` query that arrives later reaches Gong before the fan-out has finished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { eventually } from '../support/eventually.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 12, calls: 20 }, env: { GONG_RATE_PER_SECOND: '3' } });
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
    const flows = h.gql<{ gongFlows: { totalCount: number } }>(
      '{ gongFlows(first: 100) { totalCount } }',
    );
    // Wait until the fan-out is under way, then ask for one user interactively.
    await until(() => h.upstream().filter((e) => e.endpoint === 'GET /v2/flows').length >= 1);
    const user = await h.gql<{ gongUser: { id: string } }>(
      'query ($id: ID!) { gongUser(id: $id) { id } }',
      { id: userId },
    );
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
