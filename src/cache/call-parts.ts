/**
 * A cached call is kept per part: each section of CallData (parties, content.topics,
 * interaction.interactionStats, media, ...; the table in src/gong/wire/call-sections.ts) is
 * stored with the flavour it was fetched in. A request needs some parts; those missing, expired or
 * only held in a plainer flavour are the only ones asked of Gong, and answers merge into the
 * record, so views selecting different sections of one call share it.
 */
import type { CallBasicData, CallData, ContentSelector } from '../gong/wire.js';
import {
  CALL_SECTIONS,
  COUNTS,
  SECTION_BY_PATH,
  contextSelector,
  type CallSections,
  type Flavour,
} from '../gong/wire/call-sections.js';

/** A part's path in CallData → the flavour it is needed (or was fetched) with; '' is plain. */
export type Parts = Map<string, Flavour>;

export interface CallRecord {
  metaData: CallBasicData;
  /** metaData is fresh until then (ms). */
  until: number;
  /** path → [flavour, fresh until (ms)]. */
  parts: Record<string, [Flavour, number]>;
  /** The parts' values, as CallData has them. */
  call: CallSections;
}

/** The parts a contentSelector asks Gong for. */
export function partsOf(selector: ContentSelector | undefined): Parts {
  const parts: Parts = new Map();
  if (!selector) return parts;
  for (const section of CALL_SECTIONS) {
    const flavour = section.need(selector);
    if (flavour !== undefined) parts.set(section.path, flavour);
  }
  return parts;
}

/** The contentSelector that fetches `parts` (undefined: metaData only). */
export function selectorOf(parts: Parts): ContentSelector | undefined {
  if (parts.size === 0) return undefined;
  const context = parts.get('context') || parts.get('parties') || '';
  const selector: ContentSelector = context === '' ? {} : contextSelector(context);
  const exposed: NonNullable<ContentSelector['exposedFields']> = {};
  for (const [path, flavour] of parts) SECTION_BY_PATH.get(path)?.ask(exposed, flavour);
  if (Object.keys(exposed).length > 0) selector.exposedFields = exposed;
  return selector;
}

/** The parts of `needed` the record cannot serve at `now`: all of them once its metaData expired. */
export function missingParts(record: CallRecord | undefined, needed: Parts, now: number): Parts {
  if (!record || record.until <= now) return new Map(needed);
  const missing: Parts = new Map();
  for (const [path, flavour] of needed) {
    const have = record.parts[path];
    const serves = have && have[1] > now && SECTION_BY_PATH.get(path)?.serves(have[0], flavour);
    if (!serves) missing.set(path, flavour);
  }
  return missing;
}

/**
 * The parts a call from elsewhere (a webhook's callData, a list page) provably carries, in a
 * flavour some selector asks for (a webhook's phrase-less trackers serve no cached view).
 */
export function carriedParts(call: CallData): Parts {
  const parts: Parts = new Map();
  for (const section of CALL_SECTIONS) {
    const flavour = section.carried(call);
    if (flavour !== undefined && flavour !== COUNTS) parts.set(section.path, flavour);
  }
  return parts;
}

export interface PartTtls {
  /** How long metaData and most parts stay fresh (ms). */
  callMs: number;
  /** How long media URLs stay fresh (ms): less than Gong's validity. */
  mediaMs: number;
}

/** `record` with the parts `call` answered (absent in the answer: Gong has nothing there) and its metaData. */
export function mergeCall(
  record: CallRecord | undefined,
  call: CallData,
  parts: Parts,
  now: number,
  ttl: PartTtls,
): CallRecord {
  const next: CallRecord = {
    metaData: call.metaData,
    until: now + ttl.callMs,
    parts: { ...record?.parts },
    call: { ...record?.call },
  };
  for (const [path, flavour] of parts) {
    const section = SECTION_BY_PATH.get(path);
    if (!section) continue;
    section.copy(call, next.call);
    next.parts[path] = [
      flavour,
      now + (path === 'media' ? Math.min(ttl.mediaMs, ttl.callMs) : ttl.callMs),
    ];
  }
  return next;
}

/** The CallData a record serves. */
export const callOf = (record: CallRecord): CallData => ({
  ...record.call,
  metaData: record.metaData,
});

/** When the last part of the record expires (ms): how long a store keeps it. */
export const recordUntil = (record: CallRecord): number =>
  Math.max(record.until, ...Object.values(record.parts).map(([, until]) => until));

/** A cheap shape check of a record read back from a shared store (a full schema parse per hit would cost more than the hit saves). */
export function isCallRecord(value: unknown): value is CallRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<CallRecord>;
  return (
    typeof r.until === 'number' &&
    typeof r.metaData?.id === 'string' &&
    typeof r.parts === 'object' &&
    r.parts !== null &&
    typeof r.call === 'object' &&
    r.call !== null
  );
}
