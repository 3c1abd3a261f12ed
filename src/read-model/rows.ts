/**
 * What a Gong record puts in the index, as plain values: which sections a record holds (from
 * the selector it was read with), the call's searchable rows, a transcript's sentences. Pure
 * functions, no SQL. Not public API.
 */
import type {
  CallContext,
  CallData,
  CallTranscript,
  ContentSelector,
  Party,
} from '../gong/wire.js';

/**
 * The selector the fill and by-id refreshes read calls with: every section a filter needs.
 * Basic context names the CRM objects without their field values (which change, and are read
 * through the loaders when a query selects them).
 */
export const INDEX_SELECTOR: ContentSelector = {
  context: 'Basic',
  exposedFields: { parties: true, content: { trackers: true, topics: true } },
};

/** The sections the index keeps, beyond metaData. */
export interface HeldSections {
  parties: boolean;
  context: boolean;
  trackers: boolean;
  topics: boolean;
}

export const ALL_SECTIONS: HeldSections = {
  parties: true,
  context: true,
  trackers: true,
  topics: true,
};

/**
 * The sections a record holds. A read holds what its selector asked for (a section Gong left
 * out is empty, not unknown). A webhook's callData holds what it carries, except its context:
 * Gong's deliveries carry `context: []` even for calls with CRM objects, so an empty one says
 * nothing.
 */
export function heldSections(
  call: CallData,
  selector: ContentSelector | 'carried' | undefined,
): HeldSections {
  if (selector === undefined)
    return { parties: false, context: false, trackers: false, topics: false };
  if (selector === 'carried')
    return {
      parties: call.parties != null,
      context: (call.context?.length ?? 0) > 0,
      trackers: call.content?.trackers != null,
      topics: call.content?.topics != null,
    };
  const content = selector.exposedFields?.content;
  return {
    parties: selector.exposedFields?.parties === true,
    context: selector.context === 'Basic' || selector.context === 'Extended',
    trackers: content?.trackers === true || content?.trackerOccurrences === true,
    topics: content?.topics === true,
  };
}

export const holdsEvery = (h: HeldSections): boolean =>
  h.parties && h.context && h.trackers && h.topics;

/** CRM context as Basic context has it: the objects' types and ids, without field values. */
export function basicContext(contexts: readonly CallContext[] | null | undefined): CallContext[] {
  return (contexts ?? []).map((c) => ({
    system: c.system ?? null,
    objects: (c.objects ?? []).map((o) => ({
      objectType: o.objectType ?? null,
      objectId: o.objectId ?? null,
    })),
  }));
}

/** A party as the index keeps it: its CRM context reduced to Basic. */
export const basicParty = (p: Party): Party => ({
  ...p,
  ...(p.context != null ? { context: basicContext(p.context) } : {}),
});

/**
 * What the filters match, per call: lower-cased party e-mails and their domains, the CRM object
 * ids of the call and of its parties (contacts, leads), the names (lower-cased) of trackers that
 * fired and of topics the call spent time on. Null where the record does not hold the section
 * (the model keeps what it had).
 */
export interface FilterValues {
  emails: string[] | null;
  domains: string[] | null;
  crmObjectIds: string[] | null;
  trackerNames: string[] | null;
  topicNames: string[] | null;
}

const distinct = (xs: (string | null | undefined)[]): string[] =>
  [...new Set(xs)].filter((x): x is string => typeof x === 'string' && x.length > 0);

export function filterValues(call: CallData, held: HeldSections): FilterValues {
  const emails = distinct((call.parties ?? []).map((p) => p.emailAddress?.trim().toLowerCase()));
  const objectIds = (contexts: readonly CallContext[] | null | undefined) =>
    (contexts ?? []).flatMap((c) => (c.objects ?? []).map((o) => o.objectId));
  const named = <T extends { name?: string | null }>(xs: readonly T[], on: (x: T) => boolean) =>
    distinct(xs.filter(on).map((x) => x.name?.trim().toLowerCase()));
  return {
    emails: held.parties ? emails : null,
    domains: held.parties
      ? distinct(
          emails.map((e) => (e.lastIndexOf('@') > 0 ? e.slice(e.lastIndexOf('@') + 1) : null)),
        )
      : null,
    // Party context comes with the call's context (same selector flag).
    crmObjectIds: held.context
      ? distinct([
          ...objectIds(call.context),
          ...(call.parties ?? []).flatMap((p) => objectIds(p.context)),
        ])
      : null,
    trackerNames: held.trackers
      ? named(call.content?.trackers ?? [], (t) => (t.count ?? 0) > 0)
      : null,
    topicNames: held.topics
      ? named(call.content?.topics ?? [], (t) => (t.duration ?? 0) > 0)
      : null,
  };
}

/** Trackers without their occurrences (the index reads them without). */
export const trackersHeld = (call: CallData) =>
  (call.content?.trackers ?? []).map((t) => {
    const held = { ...t };
    delete held.occurrences;
    return held;
  });

export interface SentenceRow {
  seq: number;
  speakerId: string | null;
  startMs: number;
  text: string;
}

export function sentenceRows(t: CallTranscript): SentenceRow[] {
  const out: SentenceRow[] = [];
  for (const m of t.transcript)
    for (const s of m.sentences)
      if (s.text.trim().length > 0)
        out.push({
          seq: out.length,
          speakerId: m.speakerId ?? null,
          startMs: Math.round(s.start),
          text: s.text,
        });
  return out;
}
