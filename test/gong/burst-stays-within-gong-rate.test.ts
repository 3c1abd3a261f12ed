import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients, maxArrivalsInWindow } from './support/clients.js';

/** The one test at Gong's real 3/s: every other one holds rate slots or runs at a higher rate. */
describe("a burst under Gong's real 3/s limit", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 40, calls: 10, rateLimit: { perSecond: 3, perDay: 10_000 } });
  });
  afterAll(() => sb.close());

  it('serves 12 concurrent requests (four windows) with never more than 3 arrivals in any 1 s window and no 429', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 3 } });
    const gong = clients.client('default');
    const ids = (await gong.listUsers()).items.slice(0, 11).map((u) => u.id);
    const users = await Promise.all(ids.map((id) => gong.getUser(id)));
    expect(users.map((u) => u?.id)).toEqual(ids);
    const log = sb.control.requestLog();
    expect(log.length).toBe(12);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(maxArrivalsInWindow(log, 1000)).toBeLessThanOrEqual(3);
    const remaining = (await clients.metrics.dailyBudgetRemaining.get()).values[0]?.value;
    expect(remaining).toBe(10_000 - 12);
    await clients.close();
  }, 30_000);
});
