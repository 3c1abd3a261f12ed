/**
 * Call creation and media upload: POST /v2/calls, PUT /v2/calls/{id}/media.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { GongDateTime, GongId, obj, opt } from './common.js';
import { CallDirection } from './calls.js';

/** CRM systems Gong accepts on upload (CallUploadContext / PartyUploadContext `system`). */
export const UPLOAD_SYSTEMS = ['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic'] as const;
/** Spec enums: a call links `Opportunity,Account` as one value, a party `Lead,Contact`. */
export const CALL_OBJECT_TYPES = [
  'Opportunity',
  'Account',
  'Lead',
  'Contact',
  'User',
  'Opportunity,Account',
] as const;
export const PARTY_OBJECT_TYPES = [
  'Lead',
  'Contact',
  'Account',
  'Opportunity',
  'User',
  'Lead,Contact',
] as const;

const uploadContext = (objectTypes: readonly [string, ...string[]]) =>
  z.object({
    system: z.enum(UPLOAD_SYSTEMS),
    objects: z
      .array(
        z.object({
          objectType: z.enum(objectTypes),
          objectId: z.string().min(1),
          fields: z.array(z.object({ name: z.string(), value: z.unknown() })).optional(),
        }),
      )
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
      speechSegments: z
        .array(z.object({ fromTime: SegmentMs, toTime: SegmentMs, partyIds: z.array(z.string()) }))
        .optional(),
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
export const MediaUploadResponse = obj({
  requestId: z.string(),
  callId: GongId,
  url: opt(z.string()),
});
