/**
 * Gong leaves its staff's "avatar" users out of user reads unless `includeAvatars` is set, yet
 * calls and comments reference them. The users loader asks with includeAvatars, so every user id
 * a call references resolves. Users also carry `conferencingProviders`, which real Gong sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../sandbox/support.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let avatarIds: Set<string>;
let staffCallId: string;

const usersPage = async (includeAvatars: boolean) => {
  const res = await fetch(
    `${h.sandbox.tenantUrl}/v2/users?includeAvatars=${String(includeAvatars)}`,
    { headers: { authorization: basicAuth(h.sandbox) } },
  );
  return ((await res.json()) as { users: { id: string }[] }).users.map((u) => u.id);
};
const usersExtensive = (filter: Record<string, unknown>) =>
  fetch(`${h.sandbox.tenantUrl}/v2/users/extensive`, {
    method: 'POST',
    headers: { authorization: basicAuth(h.sandbox), 'content-type': 'application/json' },
    body: JSON.stringify({ filter }),
  });

beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 12, calls: 40 } });
  const listed = new Set(await usersPage(false));
  avatarIds = new Set((await usersPage(true)).filter((id) => !listed.has(id)));
  staffCallId = h.sandbox.control
    .allCalls()
    .find((c) => (c.parties ?? []).some((p) => avatarIds.has(p.userId ?? '')))!.metaData.id;
});
afterAll(() => h.close());

describe('Gong-staff avatars in the sandbox', () => {
  it('are users only when includeAvatars is set, and one call has one among its parties', async () => {
    expect(avatarIds.size).toBeGreaterThan(0);
    const id = [...avatarIds][0]!;
    const without = await usersExtensive({ userIds: [id] });
    expect(without.status).toBe(404);
    expect(((await without.json()) as { errors: string[] }).errors).toEqual([
      `The following userIds were not found: ${id}`,
    ]);
    const withAvatars = await usersExtensive({ userIds: [id], includeAvatars: true });
    expect(withAvatars.status).toBe(200);
    expect(
      ((await withAvatars.json()) as { users: { id: string }[] }).users.map((u) => u.id),
    ).toEqual([id]);
  });
});

describe('user lookups by id', () => {
  it('resolve every party user of a call a Gong staff member attended, in one users request with includeAvatars', async () => {
    h.reset();
    const r = await h.gql<{
      gongCall: {
        parties: {
          userId: string | null;
          user: { id: string; emailAddress: string; conferencingProviders: unknown } | null;
        }[];
      };
    }>(
      `query($id: ID!) { gongCall(id: $id) { parties { userId user { id emailAddress conferencingProviders } } } }`,
      { id: staffCallId },
    );
    expect(r.errors).toBeUndefined();
    const withUser = r.data!.gongCall.parties.filter((p) => p.userId !== null);
    expect(withUser.some((p) => avatarIds.has(p.userId!))).toBe(true);
    for (const p of withUser) expect(p.user?.id).toBe(p.userId);
    const lookups = h.upstream().filter((e) => e.endpoint === 'POST /v2/users/extensive');
    expect(
      lookups.map((e) => [
        e.status,
        (e.body as { filter: { includeAvatars?: boolean } }).filter.includeAvatars,
      ]),
    ).toEqual([[200, true]]);
  });

  it('gongUser resolves an avatar id, and exposes conferencingProviders as Gong sent it', async () => {
    const id = [...avatarIds][0]!;
    const r = await h.gql<{
      gongUser: { id: string; title: string; conferencingProviders: unknown } | null;
    }>(`query($id: ID!) { gongUser(id: $id) { id title conferencingProviders } }`, { id });
    expect(r.errors).toBeUndefined();
    // The sandbox sends what a recorded live answer had: the key, with null.
    expect(r.data?.gongUser).toEqual({ id, title: 'Gong Support', conferencingProviders: null });
  });
});
