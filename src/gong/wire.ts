/**
 * Gong's wire format (REST API v2) as the gateway reads it: the client validates every response
 * with these schemas. Tests never check the sandbox with them: test/contract/ checks both sides
 * against Gong's own OpenAPI document. Sources: docs/gong-contract.md.
 *
 * Two tolerance rules from Gong's spec and captures:
 * - Gong "may, without prior warning, add fields to the JSON output": objects are loose (unknown
 *   keys pass through untouched).
 * - Optional fields arrive as explicit `null` in some places and are omitted in others: every
 *   optional field is `.nullish()`.
 */
import { z } from 'zod';
import { WebhookScorecardsAnswers } from './wire-scorecards.js';

const obj = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const opt = <T extends z.ZodType>(t: T) => t.nullish();

/** Gong IDs are numeric strings of up to 20 digits (beyond 2^53): always strings. */
export const GongId = z.string().regex(/^\d{1,20}$/, 'a numeric string id');
/** ISO-8601 with explicit offset (`Z` or `±hh:mm`), 0-6 fractional digits. */
export const GongDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'an ISO-8601 date-time with offset');

// ---------------------------------------------------------------- envelope

export const Records = obj({
  totalRecords: z.number().int(),
  currentPageSize: z.number().int(),
  /** 0-based. */
  currentPageNumber: z.number().int(),
  /** Present only when another page exists. */
  cursor: opt(z.string()),
});
export type Records = z.infer<typeof Records>;

export const ErrorResponse = obj({
  requestId: opt(z.string()),
  errors: opt(z.array(z.string())),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** Gong's exact message for an empty call/extensive/transcript result (HTTP 404). */
export const NO_CALLS_FOUND = 'No calls found corresponding to the provided filters';
/** Gong's message for a bad or expired cursor (HTTP 400). */
export const CURSOR_INVALID = 'Failed to verify cursor';

// ---------------------------------------------------------------- users

export const UserSettings = obj({
  webConferencesRecorded: opt(z.boolean()),
  preventWebConferenceRecording: opt(z.boolean()),
  telephonyCallsImported: opt(z.boolean()),
  emailsImported: opt(z.boolean()),
  preventEmailImport: opt(z.boolean()),
  nonRecordedMeetingsImported: opt(z.boolean()),
  gongConnectEnabled: opt(z.boolean()),
});

export const SpokenLanguage = obj({
  language: opt(z.string()),
  primary: opt(z.boolean()),
});

export const UserMetadata = obj({
  id: GongId,
  emailAddress: opt(z.string()),
  created: opt(GongDateTime),
  active: opt(z.boolean()),
  emailAliases: opt(z.array(z.string())),
  trustedEmailAddress: opt(z.string()),
  firstName: opt(z.string()),
  lastName: opt(z.string()),
  title: opt(z.string()),
  phoneNumber: opt(z.string()),
  extension: opt(z.string()),
  personalMeetingUrls: opt(z.array(z.string())),
  settings: opt(UserSettings),
  managerId: opt(GongId),
  meetingConsentPageUrl: opt(z.string()),
  spokenLanguages: opt(z.array(SpokenLanguage)),
  /** Sent by real Gong (a live answer had `null`) but absent from its spec: any JSON, untyped. */
  conferencingProviders: z.unknown().optional(),
});
export type UserMetadata = z.infer<typeof UserMetadata>;

export const UsersResponse = obj({ requestId: z.string(), records: Records, users: z.array(UserMetadata) });
export const UserResponse = obj({ requestId: z.string(), user: UserMetadata });
export const UsersExtensiveRequest = z.object({
  cursor: z.string().optional(),
  filter: z.object({
    createdFromDateTime: GongDateTime.optional(),
    createdToDateTime: GongDateTime.optional(),
    includeAvatars: z.boolean().optional(),
    userIds: z.array(GongId).optional(),
  }),
});
export type UsersExtensiveRequest = z.infer<typeof UsersExtensiveRequest>;

// ---------------------------------------------------------------- workspaces

export const Workspace = obj({ id: GongId, name: opt(z.string()), description: opt(z.string()) });
export type Workspace = z.infer<typeof Workspace>;
/** GET /v2/workspaces: no `records`, no paging. */
export const WorkspacesResponse = obj({ requestId: z.string(), workspaces: z.array(Workspace) });

// ---------------------------------------------------------------- flows

export const FlowVisibility = z.enum(['Company', 'Personal', 'Shared']);
export const Flow = obj({
  id: GongId,
  name: opt(z.string()),
  folderId: opt(z.string()),
  folderName: opt(z.string()),
  /** Relative to the flowOwnerEmail asked about. */
  visibility: opt(z.string()),
  creationDate: opt(GongDateTime),
  exclusive: opt(z.boolean()),
});
export type Flow = z.infer<typeof Flow>;
export const FlowsResponse = obj({ requestId: z.string(), records: Records, flows: z.array(Flow) });

// ---------------------------------------------------------------- calls

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
  phrases: opt(z.array(obj({ count: opt(z.number()), occurrences: opt(z.array(z.unknown())), phrase: opt(z.string()) }))),
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
  highlights: opt(z.array(obj({ title: opt(z.string()), items: opt(z.array(obj({ text: opt(z.string()), startTimes: opt(z.array(z.number())) }))) }))),
  callOutcome: opt(obj({ id: opt(z.string()), category: opt(z.string()), name: opt(z.string()) })),
  keyPoints: opt(z.array(obj({ text: opt(z.string()) }))),
  /** Only in webhook payloads (a real capture carries it); typed as Gong's AnsweredScorecard (inferred). */
  scorecardsAnswers: opt(WebhookScorecardsAnswers),
});
export type CallContent = z.infer<typeof CallContent>;

export const CallInteraction = obj({
  speakers: opt(z.array(obj({ id: opt(z.string()), userId: opt(z.string()), talkTime: opt(z.number()) }))),
  /** Selected by `personInteractionStats` in the contentSelector: Gong's naming. */
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

export const CallsResponse = obj({ requestId: z.string(), records: Records, calls: z.array(CallBasicData) });
export const CallResponse = obj({ requestId: z.string(), call: CallBasicData });
export const CallsExtensiveResponse = obj({ requestId: z.string(), records: Records, calls: z.array(CallData) });

const flags = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.boolean().optional()])) as Record<K, z.ZodOptional<z.ZodBoolean>>);

export const CONTENT_FLAGS = ['structure', 'topics', 'trackers', 'trackerOccurrences', 'pointsOfInterest', 'brief', 'outline', 'highlights', 'callOutcome', 'keyPoints'] as const;
export const INTERACTION_FLAGS = ['speakers', 'video', 'personInteractionStats', 'questions'] as const;

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

// ---------------------------------------------------------------- transcripts

export const Sentence = obj({ start: z.number(), end: z.number(), text: z.string() });
export const Monologue = obj({ speakerId: opt(z.string()), topic: opt(z.string()), sentences: z.array(Sentence) });
export type Monologue = z.infer<typeof Monologue>;
export const CallTranscript = obj({ callId: GongId, transcript: z.array(Monologue) });
export type CallTranscript = z.infer<typeof CallTranscript>;
export const TranscriptsResponse = obj({ requestId: z.string(), records: Records, callTranscripts: z.array(CallTranscript) });
export const TranscriptsRequest = z.object({
  cursor: z.string().optional(),
  filter: z.object({
    fromDateTime: GongDateTime.optional(),
    toDateTime: GongDateTime.optional(),
    workspaceId: GongId.optional(),
    callIds: z.array(GongId).optional(),
  }),
});
export type TranscriptsRequest = z.infer<typeof TranscriptsRequest>;

// ---------------------------------------------------------------- writes

/** CRM systems Gong accepts on upload (CallUploadContext / PartyUploadContext `system`). */
export const UPLOAD_SYSTEMS = ['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic'] as const;
/** Spec enums: a call links `Opportunity,Account` as one value, a party `Lead,Contact`. */
export const CALL_OBJECT_TYPES = ['Opportunity', 'Account', 'Lead', 'Contact', 'User', 'Opportunity,Account'] as const;
export const PARTY_OBJECT_TYPES = ['Lead', 'Contact', 'Account', 'Opportunity', 'User', 'Lead,Contact'] as const;

const uploadContext = (objectTypes: readonly [string, ...string[]]) =>
  z.object({
    system: z.enum(UPLOAD_SYSTEMS),
    objects: z
      .array(z.object({ objectType: z.enum(objectTypes), objectId: z.string().min(1), fields: z.array(z.object({ name: z.string(), value: z.unknown() })).optional() }))
      .optional(),
  });
const NewCallContext = uploadContext(CALL_OBJECT_TYPES);
const NewPartyContext = uploadContext(PARTY_OBJECT_TYPES);
/** Speech-segment times: int32 milliseconds, minimum 0. */
const SegmentMs = z.number().int().min(0).max(2_147_483_647);

export const NewCallParty = z.object({
  phoneNumber: z.string().optional(),
  emailAddress: z.string().optional(),
  name: z.string().optional(),
  /** Only needed with speakersTimeline. */
  partyId: z.string().optional(),
  mediaChannelId: z.union([z.literal(0), z.literal(1)]).optional(),
  userId: GongId.optional(),
  context: z.array(NewPartyContext).optional(),
});

/** NewCallAddingRequest (POST /v2/calls). Required fields as in Gong's spec. */
export const NewCallAddingRequest = z.object({
  clientUniqueId: z.string().min(1).max(2048),
  actualStart: GongDateTime,
  title: z.string().optional(),
  purpose: z.string().max(255).optional(),
  scheduledStart: GongDateTime.optional(),
  scheduledEnd: GongDateTime.optional(),
  duration: z.number().nonnegative().optional(),
  parties: z.array(NewCallParty).min(1),
  direction: CallDirection,
  disposition: z.string().max(255).optional(),
  context: z.array(NewCallContext).optional(),
  customData: z.string().optional(),
  speakersTimeline: z
    .object({
      precise: z.boolean().optional(),
      speechSegments: z.array(z.object({ fromTime: SegmentMs, toTime: SegmentMs, partyIds: z.array(z.string()) })).optional(),
    })
    .optional(),
  meetingUrl: z.string().optional(),
  callProviderCode: z.string().optional(),
  downloadMediaUrl: z.string().optional(),
  workspaceId: GongId.optional(),
  languageCode: z.string().optional(),
  primaryUser: GongId,
});
export type NewCallAddingRequest = z.infer<typeof NewCallAddingRequest>;

export const NewCallAddingResponse = obj({ requestId: z.string(), callId: GongId });
export const MediaUploadResponse = obj({ requestId: z.string(), callId: GongId, url: opt(z.string()) });

// ---------------------------------------------------------------- OAuth

export const TokenResponse = obj({
  access_token: z.string(),
  refresh_token: opt(z.string()),
  scope: opt(z.string()),
  token_type: opt(z.string()),
  expires_in: opt(z.number()),
  api_base_url_for_customer: opt(z.string()),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

// ---------------------------------------------------------------- webhooks

/** Body of an automation-rule webhook delivery. */
export const WebhookPayload = obj({
  callData: CallData,
  isTest: opt(z.boolean()),
  isPrivate: opt(z.boolean()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** Claims of the RS256 JWT Gong puts in a signed webhook's Authorization header. */
export const WebhookJwtClaims = obj({ webhook_url: z.string(), body_sha256: z.string(), exp: z.number() });

// ---------------------------------------------------------------- scopes

/** The OAuth scope each endpoint needs (Bearer only; Basic keys are not scope-checked). */
export const SCOPES = {
  usersRead: 'api:users:read',
  workspacesRead: 'api:workspaces:read',
  flowsRead: 'api:flows:read',
  callsBasic: 'api:calls:read:basic',
  callsExtensive: 'api:calls:read:extensive',
  callsMediaUrl: 'api:calls:read:media-url',
  transcripts: 'api:calls:read:transcript',
  callsCreate: 'api:calls:create',
} as const;

/** Every scope Gong's OAuth authorize page knows (S1 endpoint descriptions, plus n8n's extras). */
export const GONG_SCOPES: readonly string[] = [
  ...Object.values(SCOPES),
  'api:stats:interaction', 'api:stats:scorecards', 'api:stats:user-actions', 'api:stats:user-actions:detailed',
  'api:settings:trackers:read', 'api:settings:scorecards:read', 'api:library:read', 'api:logs:read', 'api:coaching:read',
  'api:meetings:user:create', 'api:meetings:user:update', 'api:meetings:user:delete', 'api:meetings:integration:status',
  'api:integration-settings:write', 'api:digital-interactions:write', 'api:engagement-data:write',
  'api:data-privacy:read', 'api:data-privacy:delete', 'api:crm:upload', 'api:crm:schema', 'api:crm:get-objects',
  'api:crm:integrations:read', 'api:crm:integration:register', 'api:crm:integration:delete',
  'api:call-user-access:read', 'api:call-user-access:write', 'api:crm-calls:manual-association:read', 'api:flows:write',
  'api:provisioning:read', 'api:provisioning:read-write', 'api:permission-profile:read', 'api:permission-profile:write',
  // Seen in real apps, not in the spec copy.
  'api:ai-briefer:read',
];

/** Gong's page size (fixed, undocumented parameter). */
export const PAGE_SIZE = 100;
