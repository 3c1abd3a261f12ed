/**
 * POST /v2/calls request body as Gong's spec defines it (NewCallAddingRequest, CallParticipant,
 * CallUploadContext, PartyUploadContext, SpeakersTimeline, SpeechSegment), written here from the
 * spec rather than borrowed from the gateway's wire schemas, so the two are checked against each
 * other (docs/gong-contract.md). Internal to the sandbox.
 */
import { z } from 'zod';

const id = z.string().regex(/^\d{1,20}$/);
const dateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO-8601 date-time with offset',
  );
const system = z.enum(['Salesforce', 'HubSpot', 'MicrosoftDynamic', 'Generic']);
const fields = z.array(z.object({ name: z.string().optional(), value: z.unknown() })).optional();
/** ExternalCrmCallObject.objectType. */
const callObjectType = z.enum([
  'Opportunity',
  'Account',
  'Lead',
  'Contact',
  'User',
  'Opportunity,Account',
]);
/** ExternalCrmPartyObject.objectType. */
const partyObjectType = z.enum([
  'Lead',
  'Contact',
  'Account',
  'Opportunity',
  'User',
  'Lead,Contact',
]);
/** SpeechSegment times: int32, minimum 0 (milliseconds from the start of the call). */
const ms = z.number().int().min(0).max(2_147_483_647);

const callContext = z.object({
  system,
  objects: z
    .array(z.object({ objectType: callObjectType, objectId: z.string(), fields }))
    .optional(),
});
const partyContext = z.object({
  system,
  objects: z
    .array(z.object({ objectType: partyObjectType, objectId: z.string(), fields }))
    .optional(),
});

export const NewCallRequest = z.object({
  clientUniqueId: z.string().max(2048),
  title: z.string().optional(),
  purpose: z.string().max(255).optional(),
  scheduledStart: dateTime.optional(),
  scheduledEnd: dateTime.optional(),
  actualStart: dateTime,
  duration: z.number().optional(),
  parties: z
    .array(
      z.object({
        phoneNumber: z.string().optional(),
        emailAddress: z.string().optional(),
        name: z.string().optional(),
        partyId: z.string().optional(),
        mediaChannelId: z.number().int().min(0).max(1).optional(),
        context: z.array(partyContext).optional(),
        userId: id.optional(),
      }),
    )
    .min(1),
  direction: z.enum(['Inbound', 'Outbound', 'Conference', 'Unknown']),
  disposition: z.string().max(255).optional(),
  context: z.array(callContext).optional(),
  customData: z.string().optional(),
  speakersTimeline: z
    .object({
      precise: z.boolean().optional(),
      speechSegments: z
        .array(z.object({ fromTime: ms, toTime: ms, partyIds: z.array(z.string()) }))
        .optional(),
    })
    .optional(),
  meetingUrl: z.string().optional(),
  callProviderCode: z.string().optional(),
  downloadMediaUrl: z.string().optional(),
  workspaceId: id.optional(),
  languageCode: z.string().optional(),
  primaryUser: id,
});
export type NewCallRequest = z.infer<typeof NewCallRequest>;
