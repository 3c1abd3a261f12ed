/**
 * The one privacy rule for calls, applied on every path that serves a call or anything of it
 * (by-id and list reads, links, federation `_entities`, transcripts, sync pages, live
 * subscriptions and replays, searches of the read model and the CRM record join):
 *
 *   a call is served only if it is not deleted, and, unless the caller asked for private calls,
 *   neither the record at hand nor the newest knowledge of the call says it is private.
 *
 * The record at hand may be old (a cached entry, a webhook payload in the event log, a row of the
 * search read model that has not applied the latest change yet); the newest knowledge is the
 * change index (what the last sweep or read saw, tombstones of deleted calls), then the entity
 * cache. Unknown privacy fails closed wherever a call had to be looked up and was not found. `_entities` has no `includePrivate`, so it never serves a private call or its
 * transcript.
 */
import DataLoader from 'dataloader';

/** What the gateway knows now of a call: deleted, or its privacy. */
export type CallStanding = { deleted: true } | { deleted: false; isPrivate: boolean };

/** The newest knowledge of calls, per connection (the change index, then the entity cache). */
export interface CallStandings {
  /** One standing per id, in order; undefined where nothing is known (outside the window, never seen). */
  of(connectionRef: string, callIds: readonly string[]): Promise<(CallStanding | undefined)[]>;
}

/** A record's own privacy flag, as Gong sent it (CallBasicData.isPrivate). */
export interface PrivacyFlag {
  isPrivate?: boolean | null | undefined;
}

/** The rule. */
export function servable(
  record: PrivacyFlag | undefined,
  standing: CallStanding | undefined,
  includePrivate: boolean,
): boolean {
  if (standing?.deleted) return false;
  if (includePrivate) return true;
  return record?.isPrivate !== true && standing?.isPrivate !== true;
}

/** Standings of one operation, batched per tick (one index read for a page or a batch of links). */
export type StandingLoader = DataLoader<string, CallStanding | undefined>;

/** Without a change index every standing is unknown: the records' own flags decide. */
export function createStandingLoader(
  standings: CallStandings | undefined,
  connectionRef: string,
): StandingLoader {
  return new DataLoader<string, CallStanding | undefined>(
    async (ids) => (standings ? standings.of(connectionRef, ids) : ids.map(() => undefined)),
    { name: 'callStandings' },
  );
}

/** The ids of `records` not to serve: one standing lookup for all of them. */
export async function hiddenIds(
  loader: StandingLoader,
  records: readonly { id: string; isPrivate?: boolean | null | undefined }[],
  includePrivate: boolean,
): Promise<Set<string>> {
  const standings = await loader.loadMany(records.map((r) => r.id));
  const hidden = new Set<string>();
  records.forEach((r, i) => {
    const s = standings[i];
    if (s instanceof Error) throw s;
    if (!servable(r, s, includePrivate)) hidden.add(r.id);
  });
  return hidden;
}

/**
 * The ids of many calls not to serve, with one standings read and no per-operation loader: a
 * search checks every call it matched (thousands), so that its count, its page and its snippets
 * hold only what the caller may see. Each record's own flag is the read model's, which may be
 * older than the standing.
 */
export async function hiddenAmong(
  standings: CallStandings | undefined,
  connectionRef: string,
  records: readonly { id: string; isPrivate?: boolean | null | undefined }[],
  includePrivate: boolean,
): Promise<Set<string>> {
  const hidden = new Set<string>();
  const known = standings
    ? await standings.of(
        connectionRef,
        records.map((r) => r.id),
      )
    : [];
  records.forEach((r, i) => {
    if (!servable(r, known[i], includePrivate)) hidden.add(r.id);
  });
  return hidden;
}

/**
 * Whether a logged event about a call may still be handed out: checked against the call's
 * standing now, whatever the event recorded, so a replay (or a live event read after a flip)
 * never serves a call made private or deleted since.
 */
export async function stillServable(
  loader: StandingLoader,
  callId: string,
  recordedPrivate: boolean,
  includePrivate: boolean,
): Promise<boolean> {
  return servable({ isPrivate: recordedPrivate }, await loader.load(callId), includePrivate);
}
