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

export interface PartyRow {
  email: string | null;
  domain: string | null;
  userId: string | null;
}

export function partyRows(parties: readonly Party[]): PartyRow[] {
  return parties.map((p) => {
    const email = p.emailAddress?.trim().toLowerCase() || null;
    const at = email?.lastIndexOf('@') ?? -1;
    return {
      email,
      domain: email && at > 0 ? email.slice(at + 1) : null,
      userId: p.userId ?? null,
    };
  });
}

export interface CrmObjectRow {
  objectId: string;
  objectType: string | null;
  system: string | null;
}

/** The call's CRM objects and its parties' (contacts, leads), each object once. */
export function crmObjectRows(call: CallData): CrmObjectRow[] {
  const out = new Map<string, CrmObjectRow>();
  const add = (contexts: readonly CallContext[] | null | undefined) => {
    for (const c of contexts ?? [])
      for (const o of c.objects ?? [])
        if (o.objectId && !out.has(o.objectId))
          out.set(o.objectId, {
            objectId: o.objectId,
            objectType: o.objectType ?? null,
            system: c.system ?? null,
          });
  };
  add(call.context);
  for (const p of call.parties ?? []) add(p.context);
  return [...out.values()];
}

export interface TrackerRow {
  name: string;
  trackerId: string | null;
  count: number;
}

/** Trackers that fired in the call (count > 0), by lower-cased name. */
export function trackerRows(call: CallData): TrackerRow[] {
  return (call.content?.trackers ?? []).flatMap((t) =>
    t.name && (t.count ?? 0) > 0
      ? [{ name: t.name.trim().toLowerCase(), trackerId: t.id ?? null, count: t.count ?? 0 }]
      : [],
  );
}

/** Trackers without their occurrences (the index reads them without). */
export const trackersHeld = (call: CallData) =>
  (call.content?.trackers ?? []).map((t) => {
    const held = { ...t };
    delete held.occurrences;
    return held;
  });

export interface TopicRow {
  name: string;
  duration: number;
}

/** Topics the call spent time on, by lower-cased name. */
export function topicRows(call: CallData): TopicRow[] {
  return (call.content?.topics ?? []).flatMap((t) =>
    t.name && (t.duration ?? 0) > 0
      ? [{ name: t.name.trim().toLowerCase(), duration: t.duration ?? 0 }]
      : [],
  );
}

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
