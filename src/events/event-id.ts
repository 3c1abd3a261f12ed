/**
 * Event ids are Redis stream ids (`<ms>-<seq>`), in memory as well, so ids and their order mean
 * the same whichever log is configured. They compare numerically, part by part.
 */

export interface EventId {
  ms: bigint;
  seq: bigint;
}

const ID = /^(\d{1,20})-(\d{1,20})$/;

/** Parses `<ms>-<seq>`; undefined for anything else. */
export function parseEventId(s: string): EventId | undefined {
  const m = ID.exec(s);
  if (!m) return undefined;
  return { ms: BigInt(m[1]!), seq: BigInt(m[2]!) };
}

export const isEventId = (s: string): boolean => parseEventId(s) !== undefined;

/** Negative, zero or positive as `a` sorts before, with or after `b`. Both must be valid ids. */
export function compareEventIds(a: string, b: string): number {
  const x = parseEventId(a);
  const y = parseEventId(b);
  if (!x || !y)
    throw new TypeError(
      `compareEventIds expects two "<ms>-<seq>" ids, got ${JSON.stringify(a)} and ${JSON.stringify(b)}`,
    );
  if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1;
  if (x.seq !== y.seq) return x.seq < y.seq ? -1 : 1;
  return 0;
}

/** The id Redis' `XADD *` would give after `last` at time `nowMs`: strictly increasing. */
export function nextEventId(last: string | undefined, nowMs: number): string {
  const prev = last === undefined ? undefined : parseEventId(last);
  const ms = BigInt(Math.floor(nowMs));
  if (prev === undefined || ms > prev.ms) return `${ms}-0`;
  return `${prev.ms}-${prev.seq + 1n}`;
}

/** The id before which everything is "from the beginning". */
export const START_EVENT_ID = '0-0';
