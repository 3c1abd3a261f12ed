import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorResponse,
  FlowsResponse,
  UserResponse,
  UsersResponse,
  WorkspacesResponse,
} from '../contract/support/gong-bodies.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { gong, q, REQUEST_ID, sandbox } from './support.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await sandbox({ users: 250, calls: 50 });
});
afterAll(() => sb.close());

async function allUsers(path = '/v2/users', extra = '') {
  const pages = [];
  let cursor: string | undefined;
  do {
    const r = await gong(
      sb,
      'GET',
      `${path}${cursor ? q({ cursor }) + extra.replace('?', '&') : extra}`,
    );
    expect(r.status).toBe(200);
    const page = UsersResponse.parse(r.body);
    pages.push(page);
    cursor = page.records.cursor ?? undefined;
  } while (cursor);
  return pages;
}

describe('GET /v2/users', () => {
  it('pages 100 at a time to the last page: 0-based page numbers, cursor only while more exist, totals add up', async () => {
    const pages = await allUsers();
    expect(pages.map((p) => p.records.currentPageNumber)).toEqual([0, 1, 2]);
    expect(pages.map((p) => p.records.currentPageSize)).toEqual([100, 100, 50]);
    expect(pages.every((p) => p.records.totalRecords === 250)).toBe(true);
    expect(pages[2]?.records).not.toHaveProperty('cursor');
    const ids = pages.flatMap((p) => p.users.map((u) => u.id));
    expect(new Set(ids).size).toBe(250);
    for (const p of pages) expect(p.requestId).toMatch(REQUEST_ID);
  });

  it('has one head without a manager, every other user reports to a listed user, and a few are inactive', async () => {
    const users = (await allUsers()).flatMap((p) => p.users);
    const ids = new Set(users.map((u) => u.id));
    const heads = users.filter((u) => u.managerId == null);
    expect(heads).toHaveLength(1);
    for (const u of users) if (u.managerId != null) expect(ids.has(u.managerId)).toBe(true);
    expect(users.filter((u) => u.active === false).length).toBeGreaterThan(0);
    for (const u of users) {
      expect(u.id).toMatch(/^\d{18,19}$/);
      expect(u.created).toMatch(/-07:00$/);
      expect(Object.keys(u.settings ?? {}).sort()).toEqual([
        'emailsImported',
        'gongConnectEnabled',
        'nonRecordedMeetingsImported',
        'preventEmailImport',
        'preventWebConferenceRecording',
        'telephonyCallsImported',
        'webConferencesRecorded',
      ]);
      expect(u.spokenLanguages?.filter((l) => l.primary)).toHaveLength(1);
    }
  });

  it('leaves out Gong-staff avatars unless includeAvatars=true', async () => {
    const without = (await allUsers()).flatMap((p) => p.users);
    const withAvatars = (await allUsers('/v2/users', '?includeAvatars=true')).flatMap(
      (p) => p.users,
    );
    expect(withAvatars.length).toBeGreaterThan(without.length);
    expect(withAvatars.filter((u) => u.emailAddress?.endsWith('@gong.io')).length).toBe(
      withAvatars.length - without.length,
    );
    expect((await gong(sb, 'GET', '/v2/users?includeAvatars=maybe')).status).toBe(400);
  });
});

describe('GET /v2/users/{id}', () => {
  it('returns {requestId, user} and 404 "User not found" for an unknown id', async () => {
    const [first] = (await allUsers())[0]?.users ?? [];
    const r = await gong(sb, 'GET', `/v2/users/${first?.id}`);
    expect(UserResponse.parse(r.body).user).toEqual(first);
    const missing = await gong(sb, 'GET', '/v2/users/1234567890123456789');
    expect(missing.status).toBe(404);
    expect(ErrorResponse.parse(missing.body).errors).toEqual(['User not found']);
  });
});

describe('POST /v2/users/extensive', () => {
  it('requires filter', async () => {
    const r = await gong(sb, 'POST', '/v2/users/extensive', {});
    expect(r.status).toBe(400);
    expect(ErrorResponse.parse(r.body).errors).toEqual(['filter: must not be null']);
  });

  it('filters by userIds and by created in [from, to)', async () => {
    const users = (await allUsers()).flatMap((p) => p.users);
    const some = users.slice(3, 6).map((u) => u.id);
    const byIds = UsersResponse.parse(
      (await gong(sb, 'POST', '/v2/users/extensive', { filter: { userIds: some } })).body,
    );
    expect(byIds.users.map((u) => u.id).sort()).toEqual([...some].sort());

    const pivot = users[10]?.created ?? '';
    const from = UsersResponse.parse(
      (await gong(sb, 'POST', '/v2/users/extensive', { filter: { createdFromDateTime: pivot } }))
        .body,
    );
    const to = UsersResponse.parse(
      (await gong(sb, 'POST', '/v2/users/extensive', { filter: { createdToDateTime: pivot } }))
        .body,
    );
    expect(from.records.totalRecords + to.records.totalRecords).toBe(250);
    expect(from.users.concat(to.users).some((u) => u.id === users[10]?.id)).toBe(true);
    expect(to.users.every((u) => u.id !== users[10]?.id)).toBe(true);
  });

  it('answers 404 naming every unknown userId', async () => {
    const users = (await allUsers()).flatMap((p) => p.users);
    const r = await gong(sb, 'POST', '/v2/users/extensive', {
      filter: { userIds: [users[0]?.id, '111111111111111111', '222222222222222222'] },
    });
    expect(r.status).toBe(404);
    expect(ErrorResponse.parse(r.body).errors).toEqual([
      'The following userIds were not found: 111111111111111111,222222222222222222',
    ]);
  });
});

describe('GET /v2/workspaces', () => {
  it('lists three workspaces without records or paging', async () => {
    const r = await gong(sb, 'GET', '/v2/workspaces');
    const body = WorkspacesResponse.parse(r.body);
    expect(body.workspaces).toHaveLength(3);
    expect(body).not.toHaveProperty('records');
  });
});

describe('GET /v2/flows', () => {
  it('requires flowOwnerEmail', async () => {
    const r = await gong(sb, 'GET', '/v2/flows');
    expect(r.status).toBe(400);
    expect(ErrorResponse.parse(r.body).errors?.[0]).toContain('flowOwnerEmail');
  });

  it('answers 400 for an unknown owner, an inactive one and one without an Engage licence', async () => {
    const users = (await allUsers()).flatMap((p) => p.users);
    const unknown = await gong(
      sb,
      'GET',
      `/v2/flows${q({ flowOwnerEmail: 'nobody@nowhere.example' })}`,
    );
    expect(unknown.status).toBe(400);
    const inactive = users.find((u) => u.active === false);
    const r = await gong(
      sb,
      'GET',
      `/v2/flows${q({ flowOwnerEmail: inactive?.emailAddress ?? '' })}`,
    );
    expect(r.status).toBe(400);
    expect(ErrorResponse.parse(r.body).errors?.[0]).toMatch(/not active/);
    let unlicensed = 0;
    for (const u of users.filter((x) => x.active)) {
      const res = await gong(sb, 'GET', `/v2/flows${q({ flowOwnerEmail: u.emailAddress ?? '' })}`);
      if (res.status === 400) {
        expect(ErrorResponse.parse(res.body).errors?.[0]).toMatch(/Engage license/);
        unlicensed++;
      } else expect(res.status).toBe(200);
    }
    expect(unlicensed).toBeGreaterThan(0);
  });

  it('shows Company flows to all, a Personal flow as Personal to its owner and as Shared to those it is shared with', async () => {
    const users = (await allUsers()).flatMap((p) => p.users).filter((u) => u.active);
    const seen = new Map<string, Map<string, string>>(); // flow id -> owner email -> visibility
    for (const u of users) {
      const r = await gong(sb, 'GET', `/v2/flows${q({ flowOwnerEmail: u.emailAddress ?? '' })}`);
      if (r.status !== 200) continue;
      for (const f of FlowsResponse.parse(r.body).flows) {
        const m = seen.get(f.id) ?? new Map<string, string>();
        m.set(u.emailAddress ?? '', f.visibility ?? '');
        seen.set(f.id, m);
      }
    }
    const kinds = [...seen.values()].map((m) => new Set(m.values()));
    expect(kinds.filter((k) => k.has('Company') && k.size === 1).length).toBe(4);
    expect(kinds.filter((k) => k.has('Personal') && k.has('Shared')).length).toBeGreaterThan(0);
    // A Personal flow never reads Personal for two different users.
    for (const m of seen.values())
      expect([...m.values()].filter((v) => v === 'Personal').length).toBeLessThanOrEqual(1);
    expect(seen.size).toBe(12);
  });
});
