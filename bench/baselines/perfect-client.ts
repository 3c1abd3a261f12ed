/**
 * "Direct REST by a perfect client": for each query shape, exactly the Gong requests the data
 * needs given Gong's batch endpoints — one request per endpoint per dependency level, 100 ids per
 * request, pages followed only when Gong says there are more. Its request count is the lower bound.
 */
import {
  allUsers,
  restClient,
  type WireCall,
  type WireCallMeta,
  type WireTranscript,
  type WireUser,
} from '../lib/rest.js';

export type ShapeName =
  | 'calls-nested'
  | 'calls-users'
  | 'calls-parties'
  | 'calls-transcripts'
  | 'users-managers'
  | 'flows-full';

export interface Window {
  from: string;
  to: string;
  first: number;
}

const chunks = <T>(xs: readonly T[], n = 100): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const ids = (xs: (string | null | undefined)[]): string[] => [
  ...new Set(xs.filter((x): x is string => typeof x === 'string' && x.length > 0)),
];

export function perfectClient(
  base: { url: string; accessKey: string; accessKeySecret: string },
  perSecond?: number,
) {
  const gong = restClient(
    base.url,
    base.accessKey,
    base.accessKeySecret,
    perSecond === undefined ? {} : { perSecond },
  );

  const usersByIds = async (userIds: string[]): Promise<WireUser[]> =>
    (
      await Promise.all(
        chunks(userIds).map((c) =>
          gong.post<{ users: WireUser[] }>('/v2/users/extensive', { filter: { userIds: c } }),
        ),
      )
    ).flatMap((r) => r?.users ?? []);

  /** Users, then the managers among them that were not loaded yet (a second dependency level). */
  async function usersWithManagers(userIds: string[]): Promise<void> {
    const users = await usersByIds(userIds);
    const have = new Set(users.map((u) => u.id));
    const managers = ids(users.map((u) => u.managerId)).filter((m) => !have.has(m));
    if (managers.length > 0) await usersByIds(managers);
  }

  const callsBasic = async (w: Window) =>
    (
      await gong.get<{ calls: WireCallMeta[] }>('/v2/calls', {
        fromDateTime: w.from,
        toDateTime: w.to,
      })
    )?.calls.slice(0, w.first) ?? [];
  const callsWithParties = async (w: Window) =>
    (
      await gong.post<{ calls: WireCall[] }>('/v2/calls/extensive', {
        filter: { fromDateTime: w.from, toDateTime: w.to },
        contentSelector: { exposedFields: { parties: true } },
      })
    )?.calls.slice(0, w.first) ?? [];
  const transcripts = async (callIds: string[]) =>
    Promise.all(
      chunks(callIds).map((c) =>
        gong.post<{ callTranscripts: WireTranscript[] }>('/v2/calls/transcript', {
          filter: { callIds: c },
        }),
      ),
    );

  const shapes: Record<ShapeName, (w: Window) => Promise<void>> = {
    async 'calls-nested'(w) {
      const calls = await callsWithParties(w);
      const userIds = ids(
        calls.flatMap((c) => [c.metaData.primaryUserId, ...(c.parties ?? []).map((p) => p.userId)]),
      );
      await Promise.all([
        gong.get('/v2/workspaces'),
        usersWithManagers(userIds),
        transcripts(calls.map((c) => c.metaData.id)),
      ]);
    },
    async 'calls-users'(w) {
      const calls = await callsBasic(w);
      await usersByIds(ids(calls.map((c) => c.primaryUserId)));
    },
    async 'calls-parties'(w) {
      const calls = await callsWithParties(w);
      await usersByIds(ids(calls.flatMap((c) => (c.parties ?? []).map((p) => p.userId))));
    },
    async 'calls-transcripts'(w) {
      await transcripts((await callsBasic(w)).map((c) => c.id));
    },
    async 'users-managers'(w) {
      const users =
        (await gong.get<{ users: WireUser[] }>('/v2/users'))?.users.slice(0, w.first) ?? [];
      const have = new Set(users.map((u) => u.id));
      const managers = ids(users.map((u) => u.managerId)).filter((m) => !have.has(m));
      if (managers.length > 0) await usersByIds(managers);
    },
    async 'flows-full'() {
      // Gong has no company-wide flows read: one request per active user is the floor.
      const users = await allUsers(gong);
      await Promise.all(
        users
          .filter((u) => u.active !== false && u.emailAddress)
          .map((u) =>
            gong.get('/v2/flows', { flowOwnerEmail: u.emailAddress ?? '' }).catch(() => null),
          ),
      );
    },
  };
  return shapes;
}
