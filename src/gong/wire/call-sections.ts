/**
 * The sections of a call, in one table: for each, the contentSelector flag that asks Gong for it,
 * where the answer holds it, what a webhook's callData proves it carries, and which stored
 * flavour serves which need. The GraphQL selector, the entity cache's parts, the webhook resolver
 * and the sandbox's view all derive from it, so a new Gong section is one entry here.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 *
 * A part is fetched in a flavour: '' plain; for `context` and `parties` the CRM context it came
 * with (`Basic:` or `Extended:<timings>`, `Extended:` being Gong's default timing, Now); for
 * trackers `occurrences` (with their occurrences) or `counts` (a webhook's trackers without
 * phrases: no selector asks for that, so it only ever serves a view that shows no phrases).
 */
import type { CallContent, CallData, CallInteraction, ContentSelector } from './calls.js';

/** Everything of a call but its metaData: what the sections fill. (Omit would drop the known keys of
 * a loose object, whose keys are any string.) */
export type CallSections = Pick<
  CallData,
  'context' | 'parties' | 'content' | 'interaction' | 'collaboration' | 'media'
>;
type Exposed = NonNullable<ContentSelector['exposedFields']>;
type ContextLevel = NonNullable<ContentSelector['context']>;
type ContextTiming = NonNullable<ContentSelector['contextTiming']>[number];

/** How a part was fetched (see the header). */
export type Flavour = string;
export const PLAIN: Flavour = '';
export const OCCURRENCES: Flavour = 'occurrences';
export const COUNTS: Flavour = 'counts';

/** The sections that sit inside an object of CallData rather than at its top. */
export type CallGroup = 'content' | 'interaction' | 'collaboration';

export interface CallSection {
  /** Its place in CallData: a top-level key, or `<group>.<key>` (`content.topics`). */
  path: string;
  /** The object of CallData it sits in, if any. */
  group: CallGroup | undefined;
  /** Its key in the answer (in `group`, or at the top). */
  key: string;
  /** The flavour a contentSelector asks for, or undefined when it does not ask for this section. */
  need(selector: ContentSelector): Flavour | undefined;
  /** Sets the selector flags that fetch this section in `flavour`. */
  ask(exposed: Exposed, flavour: Flavour): void;
  /** Copies the section from `from` into `to`; absent in `from` means Gong has nothing there. */
  copy(from: CallSections, to: CallSections): void;
  /** The flavour a call from elsewhere (a webhook's callData) provably carries, if any. */
  carried(call: CallSections): Flavour | undefined;
  /** Whether the section stored in flavour `stored` serves a need of flavour `wanted`. */
  serves(stored: Flavour, wanted: Flavour): boolean;
}

const LEVELS: readonly ContextLevel[] = ['None', 'Basic', 'Extended'];
const TIMINGS: readonly ContextTiming[] = ['Now', 'TimeOfCall'];

/** The context flavour a selector asks for: undefined when it asks for no CRM context. */
export function contextFlavour(selector: ContentSelector): Flavour | undefined {
  if (selector.context === undefined || selector.context === 'None') return undefined;
  return `${selector.context}:${[...(selector.contextTiming ?? [])].sort().join(',')}`;
}

/** The `context` and `contextTiming` that fetch a context flavour. */
export function contextSelector(
  flavour: Flavour,
): Pick<ContentSelector, 'context' | 'contextTiming'> {
  const [level, timings = ''] = flavour.split(':');
  const context = LEVELS.find((l) => l === level);
  const contextTiming = TIMINGS.filter((t) => timings.split(',').includes(t));
  return {
    ...(context ? { context } : {}),
    ...(contextTiming.length > 0 ? { contextTiming } : {}),
  };
}

/** Extended context at Gong's default timing holds the Basic one (the same objects, with fields). */
const contextServes = (stored: Flavour, wanted: Flavour) =>
  stored === wanted || (wanted === 'Basic:' && stored === 'Extended:');

/** What CRM context a webhook's context proves: empty proves nothing (a rule may leave it out). */
function carriedContext(
  contexts: readonly NonNullable<CallData['context']>[number][],
): Flavour | undefined {
  const objects = contexts.flatMap((c) => c.objects ?? []);
  if (contexts.length === 0) return undefined;
  return objects.every((o) => o.fields != null) ? 'Extended:' : 'Basic:';
}

const plain = (stored: Flavour, wanted: Flavour) => stored === wanted;
const present = (value: unknown): Flavour | undefined => (value == null ? undefined : PLAIN);

type Flagged<T> = { [K in keyof T]-?: NonNullable<T[K]> extends boolean ? K : never }[keyof T];
type ContentFlag = Flagged<NonNullable<Exposed['content']>>;
type InteractionFlag = Flagged<NonNullable<Exposed['interaction']>>;
/** The keys the schemas declare (a loose object's type admits any string). */
type ContentKey = keyof (typeof CallContent)['shape'];
type InteractionKey = keyof (typeof CallInteraction)['shape'];

/** A plain section of `content`, asked for by the flag of the same name. */
function inContent(key: ContentFlag & ContentKey): CallSection {
  return {
    path: `content.${key}`,
    group: 'content',
    key,
    need: (s) => (s.exposedFields?.content?.[key] ? PLAIN : undefined),
    ask: (e) => void (e.content = { ...e.content, [key]: true }),
    copy: (from, to) =>
      void (to.content = Object.assign({}, to.content, {
        [key]: from.content?.[key] ?? undefined,
      })),
    carried: (c) => present(c.content?.[key]),
    serves: plain,
  };
}

/** A plain section of `interaction`; Gong's flag may be named otherwise than its answer's key. */
function inInteraction(key: InteractionKey, flag: InteractionFlag): CallSection {
  return {
    path: `interaction.${key}`,
    group: 'interaction',
    key,
    need: (s) => (s.exposedFields?.interaction?.[flag] ? PLAIN : undefined),
    ask: (e) => void (e.interaction = { ...e.interaction, [flag]: true }),
    copy: (from, to) =>
      void (to.interaction = Object.assign({}, to.interaction, {
        [key]: from.interaction?.[key] ?? undefined,
      })),
    carried: (c) => present(c.interaction?.[key]),
    serves: plain,
  };
}

/** Trackers' flavours, plainest first: each serves the needs of those before it. */
const TRACKER_FLAVOURS: readonly Flavour[] = [COUNTS, PLAIN, OCCURRENCES];

/** Trackers: counts and phrases with `trackers`, their occurrences too with `trackerOccurrences`. */
const trackers: CallSection = {
  path: 'content.trackers',
  group: 'content',
  key: 'trackers',
  need: (s) => {
    const c = s.exposedFields?.content;
    return c?.trackerOccurrences ? OCCURRENCES : c?.trackers ? PLAIN : undefined;
  },
  ask: (e, flavour) =>
    void (e.content = {
      ...e.content,
      trackers: true,
      ...(flavour === OCCURRENCES ? { trackerOccurrences: true } : {}),
    }),
  copy: (from, to) =>
    void (to.content = Object.assign({}, to.content, {
      trackers: from.content?.trackers ?? undefined,
    })),
  carried: (c) => {
    const list = c.content?.trackers;
    if (!Array.isArray(list)) return undefined;
    // A webhook rule may leave phrases or occurrences out of its trackers: only complete ones count.
    if (!list.every((t) => 'phrases' in t)) return COUNTS;
    return list.length > 0 && list.every((t) => 'occurrences' in t) ? OCCURRENCES : PLAIN;
  },
  serves: (stored, wanted) => TRACKER_FLAVOURS.indexOf(stored) >= TRACKER_FLAVOURS.indexOf(wanted),
};

/** Every section of a call, in the order Gong's CallData lists them. */
export const CALL_SECTIONS: readonly CallSection[] = [
  {
    path: 'context',
    group: undefined,
    key: 'context',
    need: contextFlavour,
    // Set by selectorOf from the flavour: the selector's `context`, not an exposed field.
    ask: () => undefined,
    copy: (from, to) => void (to.context = from.context ?? undefined),
    carried: (c) => carriedContext(c.context ?? []),
    serves: contextServes,
  },
  {
    path: 'parties',
    group: undefined,
    key: 'parties',
    need: (s) => (s.exposedFields?.parties ? (contextFlavour(s) ?? PLAIN) : undefined),
    ask: (e) => void (e.parties = true),
    copy: (from, to) => void (to.parties = from.parties ?? undefined),
    carried: (c) => {
      if (c.parties == null) return undefined;
      // Parties' CRM context depends on a selector we did not see, unless every party carries one.
      const contexts = c.parties.map((p) => p.context);
      if (contexts.some((ctx) => ctx == null)) return PLAIN;
      return carriedContext(contexts.flatMap((ctx) => ctx ?? [])) ?? PLAIN;
    },
    // Parties fetched with CRM context serve a view that selects none.
    serves: (stored, wanted) => wanted === PLAIN || contextServes(stored, wanted),
  },
  inContent('structure'),
  inContent('topics'),
  trackers,
  inContent('pointsOfInterest'),
  inContent('brief'),
  inContent('outline'),
  inContent('highlights'),
  inContent('callOutcome'),
  inContent('keyPoints'),
  inInteraction('speakers', 'speakers'),
  inInteraction('video', 'video'),
  // Gong's naming: the flag `personInteractionStats` fills the answer's `interactionStats`.
  inInteraction('interactionStats', 'personInteractionStats'),
  inInteraction('questions', 'questions'),
  {
    path: 'collaboration.publicComments',
    group: 'collaboration',
    key: 'publicComments',
    need: (s) => (s.exposedFields?.collaboration?.publicComments ? PLAIN : undefined),
    ask: (e) => void (e.collaboration = { publicComments: true }),
    copy: (from, to) =>
      void (to.collaboration = Object.assign({}, to.collaboration, {
        publicComments: from.collaboration?.publicComments ?? undefined,
      })),
    carried: (c) => present(c.collaboration?.publicComments),
    serves: plain,
  },
  {
    path: 'media',
    group: undefined,
    key: 'media',
    need: (s) => (s.exposedFields?.media ? PLAIN : undefined),
    ask: (e) => void (e.media = true),
    copy: (from, to) => void (to.media = from.media ?? undefined),
    carried: (c) => present(c.media),
    serves: plain,
  },
];

export const SECTION_BY_PATH: ReadonlyMap<string, CallSection> = new Map(
  CALL_SECTIONS.map((s) => [s.path, s]),
);
