/**
 * The shape of one seeded call, apart from the code that builds it (seed-calls.ts builds the call,
 * seed-details.ts its lazily generated sections; both need the shape). Internal.
 */
import type {
  CallBasicData,
  CallContent,
  CallContext,
  CallData,
  CallInteraction,
  Party,
} from '../gong/wire.js';
import type { TenantUser } from './seed-people.js';

export interface StoredCall {
  id: string;
  meta: CallBasicData;
  startedMs: number;
  scheduledMs: number;
  /** What GET /v2/calls compares: scheduled time of a Gong-recorded web conference, otherwise the start. */
  listKeyMs: number;
  /** CRM context as it is now and as it was at the time of the call. */
  contextNow: CallContext[];
  contextAtCall: CallContext[];
  /** Parties with their full CRM context. */
  parties: Party[];
  /** Content, interaction and comments, generated on first use (most calls are never asked). */
  details(): CallDetails;
  hasVideo: boolean;
  /** Seed of the lazily generated transcript. */
  transcriptSeed: number;
  /** When processing made it visible to reads (undefined: still processing). */
  visibleAt: number | undefined;
  /** When its transcript became available (undefined: not yet). */
  transcriptAt: number | undefined;
  /** Bytes of the last media upload (PUT /v2/calls/{id}/media). */
  mediaBytes?: number;
}

export interface CallEnv {
  users: TenantUser[];
  /** Users who take part in calls (no Gong-staff avatars), and the active ones among them. */
  callers: TenantUser[];
  activeCallers: TenantUser[];
  offset: string;
  /** Web-app origin of call links, e.g. https://us-31877.app.gong.io */
  appUrl: string;
  trackerIds: string[];
}

export interface CallDetails {
  content: CallContent;
  interaction: CallInteraction;
  publicComments: NonNullable<NonNullable<CallData['collaboration']>['publicComments']>;
}
