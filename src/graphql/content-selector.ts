/**
 * Builds Gong's /v2/calls/extensive `contentSelector` from the fields an operation selects.
 * A section nobody selected is never requested (Gong charges nothing extra, but media URLs need
 * another scope, and smaller answers are faster).
 */
import type { ContentSelector } from '../gong/wire.js';
import {
  CALL_SECTIONS,
  OCCURRENCES,
  PLAIN,
  SECTION_BY_PATH,
  type CallGroup,
} from '../gong/wire/call-sections.js';
import type { SelectedFields } from './selection.js';

/**
 * The GraphQL field of GongCall that holds a group of sections, and the type whose fields are
 * those sections, named as Gong's answer names them (GongCallContent.topics is content.topics).
 */
const GROUPS: Record<CallGroup, { field: string; type: string }> = {
  content: { field: 'GongCall.content', type: 'GongCallContent' },
  interaction: { field: 'GongCall.interaction', type: 'GongCallInteraction' },
  collaboration: { field: 'GongCall.collaboration', type: 'GongCallCollaboration' },
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

export function callFetchPlan(fields: SelectedFields): CallFetchPlan {
  const exposed: NonNullable<ContentSelector['exposedFields']> = {};
  // A monologue's speaker is found among the call's parties.
  if (fields.has('GongCall.parties') || fields.has('GongMonologue.speaker')) exposed.parties = true;
  // A selected group is sent (Gong answers it empty), with the flags of its selected sections.
  for (const group of ['content', 'interaction', 'collaboration'] as const)
    if (fields.has(GROUPS[group].field)) exposed[group] = {};
  for (const section of CALL_SECTIONS) {
    const group = section.group && GROUPS[section.group];
    if (group && fields.has(group.field) && fields.has(`${group.type}.${section.key}`))
      section.ask(exposed, PLAIN);
  }
  if (fields.has('GongCall.content') && fields.has('GongTracker.occurrences'))
    SECTION_BY_PATH.get('content.trackers')?.ask(exposed, OCCURRENCES);
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
