import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCursorExpiredError } from '../../src/gong/errors.js';
import { collectPages } from '../../src/gong/reads/pages.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients, rejectionOf } from './support/clients.js';

describe('coalescing of identical in-flight requests', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ rateLimit: false, users: 20, calls: 30 });
  });
  afterAll(() => sb.close());

  it('sends N concurrent identical requests upstream once and gives everyone the same answer', async () => {
    const clients = makeClients(sb);
    const gong = clients.client('default');
    sb.control.resetLog();
    const results = await Promise.all(Array.from({ length: 10 }, () => gong.listWorkspaces()));
    expect(sb.control.counters()['GET /v2/workspaces']).toBe(1);
    for (const r of results) expect(r).toEqual(results[0]);
    // Same body with keys in another order is the same request; a different body is not.
    const ids = (await gong.listUsers()).items.slice(0, 2).map((u) => u.id);
    sb.control.resetLog();
    await Promise.all([
      gong.usersExtensive({ filter: { userIds: ids, includeAvatars: false } }),
      gong.usersExtensive({ filter: { includeAvatars: false, userIds: ids } }),
      gong.usersExtensive({ filter: { userIds: ids.slice(0, 1) } }),
    ]);
    expect(sb.control.counters()['POST /v2/users/extensive']).toBe(2);
    // Sequential requests are not coalesced (nothing is in flight).
    await gong.listWorkspaces();
    expect(sb.control.counters()['GET /v2/workspaces']).toBe(1);
    await clients.close();
  });
});

describe('expired pagination cursors', () => {
  let sb: Sandbox;
  let skew = 0;
  beforeAll(async () => {
    sb = await startSandbox({
      rateLimit: false,
      users: 250,
      calls: 10,
      cursorTtlMs: 60_000,
      now: () => Date.now() + skew,
    });
  });
  afterAll(() => sb.close());

  it('restarts the iteration from the first page and yields every user exactly once', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 100 } });
    const gong = clients.client('default');
    let pages = 0;
    const users = await collectPages({
      fetchPage: async (cursor) => {
        const page = await gong.listUsers({ cursor });
        // After the first page, let the cursor expire once.
        if (++pages === 1) skew += 120_000;
        return page;
      },
      idOf: (u) => u.id,
    });
    const ids = users.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe((await gong.listUsers()).records.totalRecords);
    const statuses = sb.control
      .requestLog()
      .filter((e) => e.endpoint === 'GET /v2/users')
      .map((e) => e.status);
    expect(statuses.slice(0, 2)).toEqual([200, 400]);
    await clients.close();
  });

  it('marks the cursor error so callers can tell it apart from other bad input', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 100 } });
    const e = await rejectionOf(clients.client('default').listUsers({ cursor: 'garbage' }));
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(isCursorExpiredError(e)).toBe(true);
    await clients.close();
  });
});
