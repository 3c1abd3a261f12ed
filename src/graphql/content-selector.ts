/**
 * Builds Gong's /v2/calls/extensive `contentSelector` from the fields an operation selects.
 * A section nobody selected is never requested (Gong charges nothing extra, but media URLs need
 * another scope, and smaller answers are faster).
 */
import type { ContentSelector } from '../gong/wire.js';
import type { SelectedFields } from './selection.js';

/** GraphQL field of GongCallContent → Gong's content flag (same names). */
const CONTENT: Record<string, string> = {
  structure: 'structure', topics: 'topics', trackers: 'trackers', pointsOfInterest: 'pointsOfInterest', brief: 'brief',
  outline: 'outline', highlights: 'highlights', callOutcome: 'callOutcome', keyPoints: 'keyPoints',
};
/** GraphQL field of GongCallInteraction → Gong's interaction flag (Gong's naming quirk included). */
const INTERACTION: Record<string, string> = {
  speakers: 'speakers', video: 'video', interactionStats: 'personInteractionStats', questions: 'questions',
};

export interface CallFetchPlan {
  /** Undefined when only CallBasicData is needed. */
  selector: ContentSelector | undefined;
  /** True when GET /v2/calls (CallBasicData only) answers every selected GongCall field. */
  basicOnly: boolean;
}

const flagsFor = (fields: SelectedFields, type: string, map: Record<string, string>) => {
  const flags: Record<string, boolean> = {};
  for (const [field, flag] of Object.entries(map)) if (fields.has(`${type}.${field}`)) flags[flag] = true;
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
  if (fields.has('GongCall.interaction')) exposed.interaction = flagsFor(fields, 'GongCallInteraction', INTERACTION);
  if (fields.has('GongCall.collaboration')) exposed.collaboration = { publicComments: fields.has('GongCallCollaboration.publicComments') };
  if (fields.has('GongCall.mediaUrls')) exposed.media = true;

  const wantsContext = fields.has('GongCall.context') || (exposed.parties === true && fields.has('GongParty.context'));
  const context = !wantsContext ? undefined : fields.has('GongCrmObject.fields') ? 'Extended' : 'Basic';

  const selector: ContentSelector = {};
  if (context) selector.context = context;
  if (Object.keys(exposed).length > 0) selector.exposedFields = exposed;
  const basicOnly = selector.context === undefined && selector.exposedFields === undefined;
  return { selector: basicOnly ? undefined : selector, basicOnly };
}
