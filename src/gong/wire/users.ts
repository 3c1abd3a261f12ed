/**
 * Users: GET /v2/users, /v2/users/{id}, POST /v2/users/extensive.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { GongDateTime, GongId, Records, obj, opt } from './common.js';

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

export const UsersResponse = obj({
  requestId: z.string(),
  records: Records,
  users: z.array(UserMetadata),
});
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
