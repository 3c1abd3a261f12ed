/**
 * A cached call is kept per part: each contentSelector flag fills one part of CallData (parties,
 * content.topics, interaction.interactionStats, media, ...), fetched with a flavour (the context
 * a party's CRM objects came with; trackers with or without occurrences). A request needs some
 * parts; those missing or expired are the only ones asked of Gong, and answers merge into the
 * record, so views selecting different sections of one call share it.
 */
import type { CallBasicData, CallData, ContentSelector } from '../gong/wire.js';

/** A part's path in CallData → the flavour it is needed (or was fetched) with; '' is plain. */
export type Parts = Map<string, string>;

/** Gong's interaction flag → the key its answer uses (Gong's naming quirk). */
const INTERACTION_KEY: Record<string, string> = { personInteractionStats: 'interactionStats' };
const INTERACTION_FLAG: Record<string, string> = { interactionStats: 'personInteractionStats' };
const OCCURRENCES = 'occurrences';

export interface CallRecord {
  metaData: CallBasicData;
  /** metaData is fresh until then (ms). */
  until: number;
  /** path → [flavour, fresh until (ms)]. */
  parts: Record<string, [string, number]>;
  /** The parts' values, as CallData has them. */
  call: Omit<CallData, 'metaData'>;
}

const on = (flags: Record<string, boolean | undefined> | undefined) =>
  Object.entries(flags ?? {})
    .filter(([, v]) => v === true)
    .map(([k]) => k);

function contextFlavour(selector: ContentSelector): string | undefined {
  if (selector.context === undefined || selector.context === 'None') return undefined;
  return `${selector.context}:${[...(selector.contextTiming ?? [])].sort().join(',')}`;
}

/** The parts a contentSelector asks Gong for. */
export function partsOf(selector: ContentSelector | undefined): Parts {
  const parts: Parts = new Map();
  if (!selector) return parts;
  const ctx = contextFlavour(selector);
  const f = selector.exposedFields;
  if (ctx !== undefined) parts.set('context', ctx);
  if (f?.parties) parts.set('parties', ctx ?? '');
  for (const flag of on(f?.content)) {
    if (flag === 'trackerOccurrences') parts.set('content.trackers', OCCURRENCES);
    else if (flag !== 'trackers' || !parts.has('content.trackers'))
      parts.set(`content.${flag}`, '');
  }
  for (const flag of on(f?.interaction))
    parts.set(`interaction.${INTERACTION_KEY[flag] ?? flag}`, '');
  if (f?.collaboration?.publicComments) parts.set('collaboration.publicComments', '');
  if (f?.media) parts.set('media', '');
  return parts;
}

/** The contentSelector that fetches `parts` (undefined: metaData only). */
export function selectorOf(parts: Parts): ContentSelector | undefined {
  if (parts.size === 0) return undefined;
  const selector: ContentSelector = {};
  const exposed: NonNullable<ContentSelector['exposedFields']> = {};
  const ctx = parts.get('context') || parts.get('parties') || '';
  if (ctx !== '') {
    const [context, timings] = ctx.split(':');
    selector.context = context as ContentSelector['context'];
    if (timings)
      selector.contextTiming = timings.split(',') as NonNullable<ContentSelector['contextTiming']>;
  }
  for (const [path, flavour] of parts) {
    const [section, key] = path.split('.') as [string, string | undefined];
    if (section === 'parties') exposed.parties = true;
    else if (section === 'media') exposed.media = true;
    else if (section === 'collaboration') exposed.collaboration = { publicComments: true };
    else if (section === 'content' && key) {
      exposed.content = { ...exposed.content, [key]: true };
      if (flavour === OCCURRENCES) exposed.content.trackerOccurrences = true;
    } else if (section === 'interaction' && key)
      exposed.interaction = { ...exposed.interaction, [INTERACTION_FLAG[key] ?? key]: true };
  }
  if (Object.keys(exposed).length > 0) selector.exposedFields = exposed;
  return selector;
}

/** Whether a part fetched with `stored` serves a need of `wanted`. */
function covers(path: string, stored: string, wanted: string): boolean {
  if (stored === wanted) return true;
  // Parties fetched with CRM context serve a view that does not select it; trackers with occurrences serve one without.
  if (wanted === '' && (path === 'parties' || path === 'content.trackers')) return true;
  return false;
}

/** The parts of `needed` the record cannot serve at `now`: all of them once its metaData expired. */
export function missingParts(record: CallRecord | undefined, needed: Parts, now: number): Parts {
  if (!record || record.until <= now) return new Map(needed);
  const missing: Parts = new Map();
  for (const [path, flavour] of needed) {
    const have = record.parts[path];
    if (!have || have[1] <= now || !covers(path, have[0], flavour)) missing.set(path, flavour);
  }
  return missing;
}

/** The parts a call from elsewhere (a webhook's callData, a list page) provably carries. */
export function carriedParts(call: CallData): Parts {
  const parts: Parts = new Map();
  // Party CRM context depends on a selector we did not see: these parties serve views without it.
  if (call.parties != null) parts.set('parties', '');
  for (const [key, value] of Object.entries(call.content ?? {})) {
    if (value == null || key === 'scorecardsAnswers') continue;
    if (key === 'trackers') {
      const trackers = value as Record<string, unknown>[];
      // A webhook rule may leave phrases or occurrences out of its trackers: only complete ones count.
      if (!trackers.every((t) => 'phrases' in t)) continue;
      parts.set(
        'content.trackers',
        trackers.length > 0 && trackers.every((t) => OCCURRENCES in t) ? OCCURRENCES : '',
      );
    } else parts.set(`content.${key}`, '');
  }
  for (const [key, value] of Object.entries(call.interaction ?? {}))
    if (value != null) parts.set(`interaction.${key}`, '');
  if (call.collaboration?.publicComments != null) parts.set('collaboration.publicComments', '');
  if (call.media != null) parts.set('media', '');
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
  const sections = next.call as Record<string, unknown>;
  const answer = call as Record<string, unknown>;
  for (const [path, flavour] of parts) {
    const [section, key] = path.split('.') as [string, string | undefined];
    if (key === undefined) sections[section] = answer[section] ?? undefined;
    else
      sections[section] = {
        ...(sections[section] as object | undefined),
        [key]: (answer[section] as Record<string, unknown> | undefined)?.[key] ?? undefined,
      };
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
