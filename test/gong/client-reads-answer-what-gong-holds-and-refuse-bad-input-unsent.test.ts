/**
 * The Gong client against the sandbox: reads page through everything once, unknown ids are a null
 * or a missing entry (never a failed batch), what comes back is what the sandbox holds, Gong's
 * "No calls found" 404 is an empty page, and bad input is refused before any request is spent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPages } from '../../src/gong/reads/pages.js';
import type { GongClient } from '../../src/gong/types.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients, rejectionOf } from './support/clients.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('the Gong client against the sandbox', () => {
  let sb: Sandbox;
  let gong: GongClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    sb = await startSandbox({ rateLimit: false, users: 130, calls: 300, days: 30 });
    const clients = makeClients(sb, { limits: { perSecond: 200 } });
    gong = clients.client('default');
    close = () => clients.close();
  });
  afterAll(async () => {
    await close();
    await sb.close();
  });

  const count = (endpoint: string) => sb.control.counters()[endpoint] ?? 0;

  it('lists every user across pages, each once', async () => {
    const first = await gong.listUsers();
    expect(first.items.length).toBe(100);
    expect(first.records.cursor).toBeTruthy();
    const all = await collectPages({
      fetchPage: (cursor) => gong.listUsers({ cursor }),
      idOf: (u) => u.id,
    });
    expect(all.length).toBe(first.records.totalRecords);
    expect(new Set(all.map((u) => u.id)).size).toBe(all.length);
  });

  it('gets one user, and null (not an error) for an unknown id', async () => {
    const [u] = (await gong.listUsers()).items;
    expect((await gong.getUser(u!.id))?.id).toBe(u!.id);
    expect(await gong.getUser('99999999999999')).toBeNull();
  });

  it('usersExtensive leaves unknown ids out instead of failing the batch', async () => {
    const ids = (await gong.listUsers()).items.slice(0, 3).map((u) => u.id);
    const page = await gong.usersExtensive({ filter: { userIds: [...ids, '99999999999999'] } });
    expect(page.items.map((u) => u.id).sort()).toEqual([...ids].sort());
    const none = await gong.usersExtensive({ filter: { userIds: ['99999999999998'] } });
    expect(none.items).toEqual([]);
  });

  it('lists workspaces, and the flows of one owner', async () => {
    const ws = await gong.listWorkspaces();
    expect(ws.length).toBeGreaterThan(0);
    const users = (await gong.listUsers()).items;
    const owner = users.find((u) => u.emailAddress)!;
    const flows = await gong.listFlows({ flowOwnerEmail: owner.emailAddress! });
    expect(flows.records.totalRecords).toBe(flows.items.length);
  });

  it('lists calls in a range, gets one, and reads its extensive data and transcript', async () => {
    const page = await gong.listCalls({
      fromDateTime: iso(Date.now() - 31 * DAY),
      toDateTime: iso(Date.now() + DAY),
    });
    expect(page.items.length).toBeGreaterThan(0);
    const truth = new Map(sb.control.allCalls().map((c) => [c.metaData.id, c]));
    for (const c of page.items) expect(c.title).toBe(truth.get(c.id)?.metaData.title);
    const call = page.items[0]!;
    expect((await gong.getCall(call.id))?.id).toBe(call.id);
    expect(await gong.getCall('99999999999999')).toBeNull();

    const ext = await gong.callsExtensive({
      filter: { callIds: [call.id] },
      contentSelector: { exposedFields: { parties: true } },
    });
    expect(ext.items.map((c) => c.metaData.id)).toEqual([call.id]);
    expect(ext.items[0]!.metaData.started).toBe(truth.get(call.id)?.metaData.started);
    expect(ext.items[0]!.parties?.length).toBeGreaterThan(0);

    const tr = await gong.transcripts({
      filter: { callIds: page.items.slice(0, 5).map((c) => c.id) },
    });
    const asked = new Set(page.items.slice(0, 5).map((c) => c.id));
    for (const t of tr.items) expect(asked.has(t.callId)).toBe(true);
  });

  it('turns Gong\'s "No calls found" 404 into an empty page on all three call endpoints', async () => {
    const filter = { fromDateTime: '2001-01-01T00:00:00Z', toDateTime: '2001-01-02T00:00:00Z' };
    const before = sb.control.requestLog().length;
    expect((await gong.listCalls(filter)).items).toEqual([]);
    expect((await gong.callsExtensive({ filter })).items).toEqual([]);
    const empty = await gong.transcripts({ filter });
    expect(empty).toMatchObject({ items: [], records: { totalRecords: 0 } });
    expect(empty.requestId).toMatch(/^[a-z0-9]+$/);
    expect(
      sb.control
        .requestLog()
        .slice(before)
        .map((e) => e.status),
    ).toEqual([404, 404, 404]);
  });

  it('creates a call and returns its id', async () => {
    const primary = (await gong.listUsers()).items[0]!;
    const res = await gong.createCall({
      clientUniqueId: `test-${Date.now()}`,
      actualStart: iso(Date.now() - 3_600_000),
      parties: [{ userId: primary.id, emailAddress: primary.emailAddress ?? undefined }],
      direction: 'Outbound',
      primaryUser: primary.id,
    });
    expect(res.callId).toMatch(/^\d+$/);
  });

  it('refuses bad inputs with BAD_USER_INPUT before spending an upstream request', async () => {
    const before = sb.control.requestLog().length;
    expect(
      (
        await rejectionOf(
          gong.listCalls({ fromDateTime: 'yesterday', toDateTime: iso(Date.now()) }),
        )
      ).code,
    ).toBe('BAD_USER_INPUT');
    expect((await rejectionOf(gong.getUser('abc'))).message).toMatch(/numeric string.*"abc"/);
    expect((await rejectionOf(gong.listFlows({ flowOwnerEmail: 'nobody' }))).code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await rejectionOf(gong.callsExtensive({ filter: { callIds: ['x'] } }))).code).toBe(
      'BAD_USER_INPUT',
    );
    expect(sb.control.requestLog().length).toBe(before);
  });

  it("maps Gong's 400 to BAD_USER_INPUT with Gong's message and requestId", async () => {
    const e = await rejectionOf(gong.listFlows({ flowOwnerEmail: 'not-a-user@example.invalid' }));
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.message).toMatch(/no Gong user with email 'not-a-user@example.invalid'/);
    expect(e.details.requestId).toMatch(/^[a-z0-9]+$/);
    expect(count('GET /v2/flows')).toBeGreaterThan(0);
  });
});
