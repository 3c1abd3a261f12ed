/**
 * Gong's bodies for tests, independent of src/: each `X.parse(body)` checks the body against the
 * schema Gong's OpenAPI document gives for that answer (./gong-spec.ts) and returns it typed with
 * the interfaces below, written from the same document. OAuth and webhook bodies are not in the
 * OpenAPI document; their checks are written here from Gong's guides and the recorded captures
 * (docs/gong-contract.md). Literal scopes and messages are spelled out, never imported.
 */
import { expect } from 'vitest';
import { responseProblems, schemaProblems } from './gong-spec.js';
import { expectAny, expectArrayContaining, expectMatching } from '../../support/match.js';

type N<T> = T | null | undefined;

export interface Records {
  totalRecords: number;
  currentPageSize: number;
  currentPageNumber: number;
  cursor?: N<string>;
}
export interface ErrorBody {
  requestId?: N<string>;
  errors?: N<string[]>;
}
export interface UserMetadata {
  id: string;
  emailAddress?: N<string>;
  created?: N<string>;
  active?: N<boolean>;
  emailAliases?: N<string[]>;
  trustedEmailAddress?: N<string>;
  firstName?: N<string>;
  lastName?: N<string>;
  title?: N<string>;
  phoneNumber?: N<string>;
  extension?: N<string>;
  personalMeetingUrls?: N<string[]>;
  settings?: N<Record<string, N<boolean>>>;
  managerId?: N<string>;
  meetingConsentPageUrl?: N<string>;
  spokenLanguages?: N<{ language?: N<string>; primary?: N<boolean> }[]>;
}
export interface Workspace {
  id: string;
  name?: N<string>;
  description?: N<string>;
}
export interface Flow {
  id: string;
  name?: N<string>;
  folderId?: N<string>;
  folderName?: N<string>;
  visibility?: N<string>;
  creationDate?: N<string>;
  exclusive?: N<boolean>;
}
export interface CallBasicData {
  id: string;
  url?: N<string>;
  title?: N<string>;
  scheduled?: N<string>;
  started?: N<string>;
  duration?: N<number>;
  primaryUserId?: N<string>;
  direction?: N<string>;
  system?: N<string>;
  scope?: N<string>;
  media?: N<string>;
  language?: N<string>;
  workspaceId?: N<string>;
  sdrDisposition?: N<string>;
  clientUniqueId?: N<string>;
  customData?: N<string>;
  purpose?: N<string>;
  meetingUrl?: N<string>;
  isPrivate?: N<boolean>;
  calendarEventId?: N<string>;
}
export interface ContextObject {
  objectType?: N<string>;
  objectId?: N<string>;
  fields?: N<{ name?: N<string>; value?: unknown }[]>;
  timing?: N<string>;
}
export interface CallContext {
  system?: N<string>;
  objects?: N<ContextObject[]>;
}
export interface Party {
  id?: N<string>;
  emailAddress?: N<string>;
  name?: N<string>;
  title?: N<string>;
  userId?: N<string>;
  speakerId?: N<string>;
  context?: N<CallContext[]>;
  affiliation?: N<string>;
  phoneNumber?: N<string>;
  methods?: N<string[]>;
}
type Named = { name?: N<string>; duration?: N<number> };
export interface CallData {
  metaData: CallBasicData;
  context?: N<CallContext[]>;
  parties?: N<Party[]>;
  content?: N<{
    structure?: N<Named[]>;
    topics?: N<Named[]>;
    brief?: N<string>;
    keyPoints?: N<{ text?: N<string> }[]>;
    trackers?: N<
      {
        id?: N<string>;
        name?: N<string>;
        count?: N<number>;
        type?: N<string>;
        occurrences?: N<{ startTime?: N<number>; speakerId?: N<string> }[]>;
        phrases?: N<unknown[]>;
      }[]
    >;
    pointsOfInterest?: N<{
      actionItems?: N<
        {
          snippetStartTime?: N<number>;
          snippetEndTime?: N<number>;
          speakerID?: N<string>;
          snippet?: N<string>;
        }[]
      >;
    }>;
    outline?: N<
      {
        section?: N<string>;
        startTime?: N<number>;
        duration?: N<number>;
        items?: N<{ text?: N<string>; startTime?: N<number> }[]>;
      }[]
    >;
    highlights?: N<
      { title?: N<string>; items?: N<{ text?: N<string>; startTimes?: N<number[]> }[]> }[]
    >;
    callOutcome?: N<{ id?: N<string>; category?: N<string>; name?: N<string> }>;
  }>;
  interaction?: N<{
    speakers?: N<{ id?: N<string>; userId?: N<string>; talkTime?: N<number> }[]>;
    interactionStats?: N<{ name?: N<string>; value?: N<number> }[]>;
    video?: N<Named[]>;
    questions?: N<{ companyCount?: N<number>; nonCompanyCount?: N<number> }>;
  }>;
  collaboration?: N<{
    publicComments?: N<
      {
        id?: N<string>;
        commenterUserId?: N<string>;
        comment?: N<string>;
        posted?: N<string>;
        audioStartTime?: N<number>;
        audioEndTime?: N<number>;
        inReplyTo?: N<string>;
        duringCall?: N<boolean>;
      }[]
    >;
  }>;
  media?: N<{ audioUrl?: N<string>; videoUrl?: N<string> }>;
}
export interface CallTranscript {
  callId: string;
  transcript: {
    speakerId?: N<string>;
    topic?: N<string>;
    sentences: { start: number; end: number; text: string }[];
  }[];
}

/** A parser of one documented answer: conformance to Gong's schema, then the typed body. */
function answer<T>(op: string, status: number) {
  return {
    parse(body: unknown): T {
      expect(
        responseProblems(op, status, body),
        `${op} ${status} against Gong's OpenAPI schema`,
      ).toEqual([]);
      return body as T;
    },
  };
}

export const ErrorResponse = {
  /** Gong's ErrorResponse: `{requestId, errors}` and nothing else. */
  parse(body: unknown): ErrorBody {
    expect(body).toEqual({
      requestId: expectMatching(/^[0-9a-z]{18,19}$/),
      errors: expectArrayContaining([expectAny(String)]),
    });
    return body as ErrorBody;
  },
};
export const UsersResponse = answer<{ requestId: string; records: Records; users: UserMetadata[] }>(
  'GET /v2/users',
  200,
);
export const UserResponse = answer<{ requestId: string; user: UserMetadata }>(
  'GET /v2/users/{id}',
  200,
);
export const WorkspacesResponse = answer<{ requestId: string; workspaces: Workspace[] }>(
  'GET /v2/workspaces',
  200,
);
export const FlowsResponse = answer<{ requestId: string; records: Records; flows: Flow[] }>(
  'GET /v2/flows',
  200,
);
export const CallsResponse = answer<{
  requestId: string;
  records: Records;
  calls: CallBasicData[];
}>('GET /v2/calls', 200);
export const CallResponse = answer<{ requestId: string; call: CallBasicData }>(
  'GET /v2/calls/{id}',
  200,
);
export const CallsExtensiveResponse = answer<{
  requestId: string;
  records: Records;
  calls: CallData[];
}>('POST /v2/calls/extensive', 200);
export const TranscriptsResponse = answer<{
  requestId: string;
  records: Records;
  callTranscripts: CallTranscript[];
}>('POST /v2/calls/transcript', 200);
export const NewCallAddingResponse = answer<{ requestId: string; callId: string }>(
  'POST /v2/calls',
  200,
);
export const MediaUploadResponse = answer<{ requestId: string; callId: string; url?: N<string> }>(
  'PUT /v2/calls/{id}/media',
  201,
);

/** Gong's token answer (Gong's OAuth guide and every connector; not in the OpenAPI document). */
export const TokenResponse = {
  parse(body: unknown): {
    access_token: string;
    refresh_token?: N<string>;
    scope?: N<string>;
    token_type?: N<string>;
    expires_in?: N<number>;
    api_base_url_for_customer?: N<string>;
  } {
    expect(body).toMatchObject({
      access_token: expectAny(String),
      api_base_url_for_customer: expectMatching(/^https?:\/\//),
    });
    return body as ReturnType<typeof TokenResponse.parse>;
  },
};

export type TokenResponse = ReturnType<typeof TokenResponse.parse>;

/**
 * A webhook delivery: `{callData, isTest}` per Gong's "Payload sent to webhooks" article, plus the
 * top-level `isPrivate` of the real capture; callData is the extensive endpoint's CallData.
 */
export const WebhookPayload = {
  parse(body: unknown): { callData: CallData; isTest?: N<boolean>; isPrivate?: N<boolean> } {
    expect(body).toMatchObject({
      callData: { metaData: { id: expectMatching(/^\d{1,20}$/) } },
    });
    expect(
      schemaProblems('CallData', (body as { callData: unknown }).callData),
      "callData against Gong's CallData schema",
    ).toEqual([]);
    return body as ReturnType<typeof WebhookPayload.parse>;
  },
};

/** Claims of a signed delivery's RS256 JWT, as the public verifiers read them. */
export const WebhookJwtClaims = {
  parse(claims: unknown): { webhook_url: string; body_sha256: string; exp: number } {
    expect(claims).toMatchObject({
      webhook_url: expectAny(String),
      body_sha256: expectMatching(/^[0-9a-f]{64}$/),
      exp: expectAny(Number),
    });
    return claims as ReturnType<typeof WebhookJwtClaims.parse>;
  },
};

/** OAuth scopes, spelled as Gong's endpoint descriptions spell them. */
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

/** Gong's 404 for calls, extensive and transcript reads that match nothing (recorded by peers). */
export const NO_CALLS_FOUND = 'No calls found corresponding to the provided filters';
/** Gong's 400 for a bad or expired cursor (recorded by amp-labs). */
export const CURSOR_INVALID = 'Failed to verify cursor';
