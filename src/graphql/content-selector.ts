/**
 * Builds Gong's /v2/calls/extensive `contentSelector` from the fields an operation selects.
 * A section nobody selected is never requested (Gong charges nothing extra, but media URLs need
 * another scope, and smaller answers are faster).
 */
import type { ContentSelector } from '../gong/wire.js';
import type { SelectedFields } from './selection.js';

/** GraphQL field of GongCallContent → Gong's content flag (same names). */
const CONTENT: Record<string, string> = {
  structure: 'structure',
  topics: 'topics',
  trackers: 'trackers',
  pointsOfInterest: 'pointsOfInterest',
  brief: 'brief',
  outline: 'outline',
  highlights: 'highlights',
  callOutcome: 'callOutcome',
  keyPoints: 'keyPoints',
};
/** GraphQL field of GongCallInteraction → Gong's interaction flag (Gong's naming quirk included). */
const INTERACTION: Record<string, string> = {
  speakers: 'speakers',
  video: 'video',
  interactionStats: 'personInteractionStats',
  questions: 'questions',
};

/** GongContextTiming value → Gong's contextTiming value. */
export const CONTEXT_TIMING = { NOW: 'Now', TIME_OF_CALL: 'TimeOfCall' } as const;

/** Gong's contextTiming values any selected `context(timing:)` asks for, in Gong's order. */
function timingsOf(fields: SelectedFields): ('Now' | 'TimeOfCall')[] {
  return (Object.keys(CONTEXT_TIMING) as (keyof typeof CONTEXT_TIMING)[])
    .filter(
      (t) =>
        fields.has(`GongCall.context(timing:${t})`) ||
        (fields.has('GongCall.parties') && fields.has(`GongParty.context(timing:${t})`)),
    )
    .map((t) => CONTEXT_TIMING[t]);
}

export interface CallFetchPlan {
  /** Undefined when only CallBasicData is needed. */
  selector: ContentSelector | undefined;
  /** True when GET /v2/calls (CallBasicData only) answers every selected GongCall field. */
  basicOnly: boolean;
}

const flagsFor = (fields: SelectedFields, type: string, map: Record<string, string>) => {
  const flags: Record<string, boolean> = {};
  for (const [field, flag] of Object.entries(map))
    if (fields.has(`${type}.${field}`)) flags[flag] = true;
  return flags;
};

export function callFetchPlan(fields: SelectedFields): CallFetchPlan {
  const exposed: NonNullable<ContentSelector['exposedFields']> = {};
  // A monologue's speaker is found among the call's parties.
  if (fields.has('GongCall.parties') || fields.has('GongMonologue.speaker')) exposed.parties = true;
  if (fields.has('GongCall.content')) {
    const content = flagsFor(fields, 'GongCallContent', CONTENT);
    if (fields.has('GongTracker.occurrences')) content.trackerOccurrences = true;
    exposed.content = content;
  }
  if (fields.has('GongCall.interaction'))
    exposed.interaction = flagsFor(fields, 'GongCallInteraction', INTERACTION);
  if (fields.has('GongCall.collaboration'))
    exposed.collaboration = { publicComments: fields.has('GongCallCollaboration.publicComments') };
  if (fields.has('GongCall.mediaUrls')) exposed.media = true;

  const wantsContext =
    fields.has('GongCall.context') || (exposed.parties === true && fields.has('GongParty.context'));
  // Timing applies to field values, so Gong takes contextTiming only with Extended context; Now
  // alone is Gong's default and is not sent.
  const timings = wantsContext ? timingsOf(fields) : [];
  const atCall = timings.includes('TimeOfCall');
  const context = !wantsContext
    ? undefined
    : atCall || fields.has('GongCrmObject.fields')
      ? 'Extended'
      : 'Basic';

  const selector: ContentSelector = {};
  if (context) selector.context = context;
  if (atCall) selector.contextTiming = timings;
  if (Object.keys(exposed).length > 0) selector.exposedFields = exposed;
  const basicOnly = selector.context === undefined && selector.exposedFields === undefined;
  return { selector: basicOnly ? undefined : selector, basicOnly };
}
