/**
 * The compact version of a call the change index keeps: its privacy, its start, and a short hash
 * of each field a change can touch (every metaData field, and `content.callOutcome` once a read
 * asked for it), so two versions tell which fields changed without storing either. An entry is
 * about 150 bytes whatever the call; a deleted call leaves a tombstone, so a late read of it (or a
 * replayed event) is never taken for the call coming back.
 */
import { stableStringify } from '../util/stable-stringify.js';
import { CallBasicData, type CallData } from '../gong/wire.js';

/** The metaData fields compared, in the fixed order of an entry's hashes (`id` never changes). */
export const TRACKED_FIELDS: readonly string[] = Object.keys(CallBasicData.shape).filter(
  (k) => k !== 'id',
);
/** How a changed outcome is named in `changedFields` (its path from GongCall). */
export const OUTCOME_FIELD = 'content.callOutcome';

export interface LiveEntry {
  state: 'live';
  isPrivate: boolean;
  /** The call's start (ms). */
  started: number;
  /** One hash per TRACKED_FIELDS entry, in order. */
  hashes: string[];
  /** The outcome's hash; undefined until a read that asked for it saw the call ('' = none set). */
  outcome: string | undefined;
}

export interface DeletedEntry {
  state: 'deleted';
  /** As last known. */
  isPrivate: boolean;
  started: number;
  deletedAt: number;
}

export type IndexEntry = LiveEntry | DeletedEntry;

/** 32-bit FNV-1a in base 36: collisions only hide a change one time in four billion. */
function hash(value: unknown): string {
  const s = value === undefined || value === null ? 'null' : stableStringify(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** The entry a record of the call gives; `outcomeKnown`: the read asked for content.callOutcome. */
export function entryOf(call: CallData, outcomeKnown: boolean): LiveEntry | undefined {
  const started = call.metaData.started ? Date.parse(call.metaData.started) : Number.NaN;
  if (Number.isNaN(started)) return undefined;
  const meta = call.metaData as Record<string, unknown>;
  return {
    state: 'live',
    isPrivate: call.metaData.isPrivate === true,
    started,
    hashes: TRACKED_FIELDS.map((f) => hash(meta[f])),
    outcome: outcomeKnown
      ? call.content?.callOutcome
        ? hash(call.content.callOutcome)
        : ''
      : undefined,
  };
}

/** One string per version: the sync compares it, the event log dedupes on it. */
export const versionOf = (e: LiveEntry): string =>
  hash(`${e.hashes.join(',')}|${e.outcome ?? '?'}`);

/** The version of a record as delivered (what a sync chain remembers of each call it sent). */
export function recordVersion(call: CallData, outcomeKnown: boolean): string | undefined {
  const e = entryOf(call, outcomeKnown);
  return e && versionOf(e);
}

/** Names of the fields that differ; an outcome counts only when both sides saw it. */
export function changedFields(before: LiveEntry, after: LiveEntry): string[] {
  const out = TRACKED_FIELDS.filter((_, i) => before.hashes[i] !== after.hashes[i]);
  if (
    before.outcome !== undefined &&
    after.outcome !== undefined &&
    before.outcome !== after.outcome
  )
    out.push(OUTCOME_FIELD);
  return out;
}

export function encodeEntry(e: IndexEntry): string {
  const p = e.isPrivate ? 1 : 0;
  return e.state === 'live'
    ? `L|${p}|${e.started}|${e.outcome ?? '?'}|${e.hashes.join(',')}`
    : `D|${p}|${e.started}|${e.deletedAt}`;
}

/** The entry a stored string holds; undefined for anything else (an entry from another version is unknown). */
export function decodeEntry(s: string | undefined): IndexEntry | undefined {
  if (s === undefined) return undefined;
  const parts = s.split('|');
  const started = Number(parts[2]);
  if (!Number.isFinite(started)) return undefined;
  const isPrivate = parts[1] === '1';
  if (parts[0] === 'D' && parts.length === 4) {
    const deletedAt = Number(parts[3]);
    return Number.isFinite(deletedAt)
      ? { state: 'deleted', isPrivate, started, deletedAt }
      : undefined;
  }
  if (parts[0] !== 'L' || parts.length !== 5) return undefined;
  const hashes = (parts[4] ?? '').split(',');
  if (hashes.length !== TRACKED_FIELDS.length) return undefined;
  return {
    state: 'live',
    isPrivate,
    started,
    hashes,
    outcome: parts[3] === '?' ? undefined : parts[3],
  };
}
