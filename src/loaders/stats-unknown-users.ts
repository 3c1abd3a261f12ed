/**
 * Gong's activity endpoints answer 404 "User not found" for a whole batch when its filter names
 * one unknown user (a deleted or mistyped id). Read as "no activity", one such id blanked every
 * user of the batch. Here the unknown ids are found and the batch asked again without them:
 *
 * 1. ids Gong's message names, if it names any;
 * 2. else the users loader (one POST /v2/users/extensive, often already cached or shared with the
 *    operation's `user` fields): ids it does not know;
 * 3. else (every id is a user, yet Gong refuses) the batch is split in halves until the refused
 *    ids are alone, within a budget of 2·⌈log2 n⌉ + 2 requests; a lone known user Gong still
 *    refuses has no activity to report (null).
 *
 * Known users always get their stats; each unknown id gets its own NOT_FOUND error.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import { UsersNotFoundError } from '../gong/errors.js';

export type KnownUsers = (ids: readonly string[]) => Promise<Set<string>>;

const unknownUser = (id: string) =>
  new GatewayError(
    ErrorCode.NOT_FOUND,
    `Gong does not know user ${id}: its stats endpoints answered 404 "User not found" for it`,
    { userId: id },
  );
const undecided = (id: string) =>
  new GatewayError(
    ErrorCode.NOT_FOUND,
    `Gong refused a stats batch with user ${id} (404) and the gateway stopped looking for the unknown id at its request budget`,
    { userId: id },
  );

/**
 * `ask` reads one batch (all its pages) and indexes it by user id; the answer holds every id
 * asked: its record, null (no activity) or an Error.
 */
export async function sparingUnknownUsers<V>(
  userIds: readonly string[],
  ask: (ids: string[]) => Promise<Map<string, V>>,
  knownUsers: KnownUsers,
): Promise<Map<string, V | null | Error>> {
  const out = new Map<string, V | null | Error>();
  let splits = 2 * Math.ceil(Math.log2(Math.max(2, userIds.length))) + 2;

  const run = async (ids: string[], lookedUp: boolean): Promise<void> => {
    try {
      const found = await ask(ids);
      for (const id of ids) out.set(id, found.get(id) ?? null);
      return;
    } catch (e) {
      if (!(e instanceof UsersNotFoundError)) throw e;
      let unknown = e.namedIds.filter((id) => ids.includes(id));
      if (unknown.length === 0 && !lookedUp) {
        const known = await knownUsers(ids);
        unknown = ids.filter((id) => !known.has(id));
      }
      if (unknown.length > 0) {
        for (const id of unknown) out.set(id, unknownUser(id));
        const rest = ids.filter((id) => !unknown.includes(id));
        if (rest.length > 0) await run(rest, true);
        return;
      }
      if (ids.length === 1) {
        out.set(ids[0] as string, null);
        return;
      }
      if (splits < 2) {
        for (const id of ids) out.set(id, undecided(id));
        return;
      }
      splits -= 2;
      const mid = Math.ceil(ids.length / 2);
      await Promise.all([run(ids.slice(0, mid), true), run(ids.slice(mid), true)]);
    }
  };

  await run([...new Set(userIds)], false);
  return out;
}
