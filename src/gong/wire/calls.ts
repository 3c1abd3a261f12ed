/**
 * Calls: GET /v2/calls, /v2/calls/{id} and POST /v2/calls/extensive with its contentSelector.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { WebhookScorecardsAnswers } from './scorecards.js';
import { GongDateTime, GongId, Records, obj, opt } from './common.js';

export const CallDirection = z.enum(['Inbound', 'Outbound', 'Conference', 'Unknown']);
export const CallScope = z.enum(['Internal', 'External', 'Unknown']);

/** CallBasicData = the extensive endpoint's `metaData`. Enums are plain strings: Gong may add values. */
export const CallBasicData = obj({
  id: GongId,
  url: opt(z.string()),
  title: opt(z.string()),
  scheduled: opt(GongDateTime),
  started: opt(GongDateTime),
  duration: opt(z.number()),
  primaryUserId: opt(GongId),
  direction: opt(z.string()),
  system: opt(z.string()),
  scope: opt(z.string()),
  media: opt(z.string()),
  language: opt(z.string()),
  workspaceId: opt(GongId),
  sdrDisposition: opt(z.string()),
  clientUniqueId: opt(z.string()),
  customData: opt(z.string()),
  purpose: opt(z.string()),
  meetingUrl: opt(z.string()),
  isPrivate: opt(z.boolean()),
  calendarEventId: opt(z.string()),
});
export type CallBasicData = z.infer<typeof CallBasicData>;

export const ContextField = obj({ name: opt(z.string()), value: z.unknown().optional() });
export const ContextObject = obj({
  objectType: opt(z.string()),
  objectId: opt(z.string()),
  fields: opt(z.array(ContextField)),
  timing: opt(z.string()),
});
export const CallContext = obj({ system: opt(z.string()), objects: opt(z.array(ContextObject)) });
export type CallContext = z.infer<typeof CallContext>;

export const Party = obj({
  id: opt(z.string()),
  emailAddress: opt(z.string()),
  name: opt(z.string()),
  title: opt(z.string()),
  userId: opt(GongId),
  /** Ties to transcript[].speakerId; explicit null for a party that never spoke. */
  speakerId: opt(z.string()),
  context: opt(z.array(CallContext)),
  affiliation: opt(z.string()),
  phoneNumber: opt(z.string()),
  methods: opt(z.array(z.string())),
});
export type Party = z.infer<typeof Party>;

export const Tracker = obj({
  id: opt(z.string()),
  name: opt(z.string()),
  count: opt(z.number()),
  type: opt(z.string()),
  occurrences: opt(z.array(obj({ startTime: opt(z.number()), speakerId: opt(z.string()) }))),
  phrases: opt(
    z.array(
      obj({
        count: opt(z.number()),
        occurrences: opt(z.array(z.unknown())),
        phrase: opt(z.string()),
      }),
    ),
  ),
});

export const CallContent = obj({
  structure: opt(z.array(obj({ name: opt(z.string()), duration: opt(z.number()) }))),
  trackers: opt(z.array(Tracker)),
  topics: opt(z.array(obj({ name: opt(z.string()), duration: opt(z.number()) }))),
  pointsOfInterest: opt(
    obj({
      actionItems: opt(
        z.array(
          obj({
            snippetStartTime: opt(z.number()),
            snippetEndTime: opt(z.number()),
            /** Capital "ID": Gong's spelling. */
            speakerID: opt(z.string()),
            snippet: opt(z.string()),
          }),
        ),
      ),
    }),
  ),
  brief: opt(z.string()),
  outline: opt(
    z.array(
      obj({
        section: opt(z.string()),
        startTime: opt(z.number()),
        duration: opt(z.number()),
        items: opt(z.array(obj({ text: opt(z.string()), startTime: opt(z.number()) }))),
      }),
    ),
  ),
  highlights: opt(
    z.array(
      obj({
        title: opt(z.string()),
        items: opt(z.array(obj({ text: opt(z.string()), startTimes: opt(z.array(z.number())) }))),
      }),
    ),
  ),
  callOutcome: opt(obj({ id: opt(z.string()), category: opt(z.string()), name: opt(z.string()) })),
  keyPoints: opt(z.array(obj({ text: opt(z.string()) }))),
  /** Only in webhook payloads (a real capture carries it); typed as Gong's AnsweredScorecard (inferred). */
  scorecardsAnswers: opt(WebhookScorecardsAnswers),
});
export type CallContent = z.infer<typeof CallContent>;

export const CallInteraction = obj({
  speakers: opt(
    z.array(obj({ id: opt(z.string()), userId: opt(z.string()), talkTime: opt(z.number()) })),
  ),
  /** Its contentSelector flag is named otherwise (./call-sections.ts). */
  interactionStats: opt(z.array(obj({ name: opt(z.string()), value: opt(z.number()) }))),
  video: opt(z.array(obj({ name: opt(z.string()), duration: opt(z.number()) }))),
  questions: opt(obj({ companyCount: opt(z.number()), nonCompanyCount: opt(z.number()) })),
});
export type CallInteraction = z.infer<typeof CallInteraction>;

export const PublicComment = obj({
  id: opt(z.string()),
  audioStartTime: opt(z.number()),
  audioEndTime: opt(z.number()),
  commenterUserId: opt(z.string()),
  comment: opt(z.string()),
  posted: opt(GongDateTime),
  inReplyTo: opt(z.string()),
  duringCall: opt(z.boolean()),
});
export const CallCollaboration = obj({ publicComments: opt(z.array(PublicComment)) });
export const CallMedia = obj({ audioUrl: opt(z.string()), videoUrl: opt(z.string()) });

/** CallData from /v2/calls/extensive (and a webhook's callData). A section not selected is absent. */
export const CallData = obj({
  metaData: CallBasicData,
  context: opt(z.array(CallContext)),
  parties: opt(z.array(Party)),
  content: opt(CallContent),
  interaction: opt(CallInteraction),
  collaboration: opt(CallCollaboration),
  media: opt(CallMedia),
});
export type CallData = z.infer<typeof CallData>;

export const CallsResponse = obj({
  requestId: z.string(),
  records: Records,
  calls: z.array(CallBasicData),
});
export const CallResponse = obj({ requestId: z.string(), call: CallBasicData });
export const CallsExtensiveResponse = obj({
  requestId: z.string(),
  records: Records,
  calls: z.array(CallData),
});

const flags = <K extends string>(keys: readonly K[]) =>
  z.object(
    Object.fromEntries(keys.map((k) => [k, z.boolean().optional()])) as Record<
      K,
      z.ZodOptional<z.ZodBoolean>
    >,
  );

export const CONTENT_FLAGS = [
  'structure',
  'topics',
  'trackers',
  'trackerOccurrences',
  'pointsOfInterest',
  'brief',
  'outline',
  'highlights',
  'callOutcome',
  'keyPoints',
] as const;
export const INTERACTION_FLAGS = [
  'speakers',
  'video',
  'personInteractionStats',
  'questions',
] as const;

export const ContentSelector = z.object({
  context: z.enum(['None', 'Basic', 'Extended']).optional(),
  contextTiming: z.array(z.enum(['Now', 'TimeOfCall'])).optional(),
  exposedFields: z
    .object({
      parties: z.boolean().optional(),
      content: flags(CONTENT_FLAGS).optional(),
      interaction: flags(INTERACTION_FLAGS).optional(),
      collaboration: z.object({ publicComments: z.boolean().optional() }).optional(),
      media: z.boolean().optional(),
    })
    .optional(),
});
export type ContentSelector = z.infer<typeof ContentSelector>;

export const CallsFilter = z.object({
  fromDateTime: GongDateTime.optional(),
  toDateTime: GongDateTime.optional(),
  workspaceId: GongId.optional(),
  callIds: z.array(GongId).optional(),
  primaryUserIds: z.array(GongId).optional(),
});
export const CallsExtensiveRequest = z.object({
  cursor: z.string().optional(),
  filter: CallsFilter,
  contentSelector: ContentSelector.optional(),
});
export type CallsExtensiveRequest = z.infer<typeof CallsExtensiveRequest>;
