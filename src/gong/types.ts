/**
 * The boundary between the GraphQL layer and Gong. Resolvers and loaders call a GongClient
 * (one typed function per Gong endpoint); the client sends every request through the
 * connection's GongTransport, which owns auth injection, the shared rate budget, retries, the
 * circuit breaker and coalescing. Both are per connection.
 */
import type { Priority } from '../scheduler/priority.js';
import type {
  CallBasicData,
  CallData,
  CallTranscript,
  ContentSelector,
  CallsExtensiveRequest,
  Flow,
  NewCallAddingRequest,
  Records,
  TranscriptsRequest,
  UserMetadata,
  UsersExtensiveRequest,
  Workspace,
} from './wire.js';
import type {
  AnsweredScorecard,
  AnsweredScorecardsRequest,
  CallOutcomeDefinition,
  KeywordTracker,
  LibraryFolder,
  LibraryFolderContent,
  StatsByPeriodRequest,
  StatsRequest,
  UserActivityByPeriod,
  UserAggregateActivity,
  UserDayByDayActivity,
  UserInteractionStats,
} from './wire-stats.js';
import type { Scorecard } from './wire/scorecards.js';

export type { Priority };

/**
 * A request body built at dispatch, so that reads merged while the request waited for its rate
 * slot go out as one (./reads/merge.ts). The contract, for every layer that passes one down:
 * - the transport calls it exactly once, after the request's rate slot is granted and before the
 *   first attempt (never, if the request fails before it gets a slot);
 * - a retry resends the body that call returned; it is not called again;
 * - a request with one is never coalesced: its body cannot be compared while it waits.
 */
export type BodyAtDispatch<T = unknown> = () => T;

/** What the Gong client must know of a connection before each request. */
export interface GongConnection {
  /** Every Gong call for this connection goes here (OAuth: api_base_url_for_customer). */
  baseUrl: string;
  /** Granted scopes; null = not scope-checked (access keys). */
  scopes: readonly string[] | null;
  /** Requests go out only while it is `ACTIVE`; any other status is named in the refusal. */
  status: string;
}

/**
 * Where the Gong client gets its connections and credentials (the connection registry provides
 * it); the client knows nothing else of how connections are made or stored.
 */
export interface GongCredentials {
  get(ref: string): Promise<GongConnection | null>;
  /**
   * The Authorization header value for the next request. With `forceRefresh` (after a 401),
   * refreshes first; rejects with RECONNECT_REQUIRED when the connection cannot be used any more.
   */
  authorization(ref: string, opts?: { forceRefresh?: boolean }): Promise<string>;
}

export interface GongRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path under the connection's base URL, e.g. `/v2/calls/extensive`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** JSON body. */
  body?: unknown;
  /** A JSON body built at dispatch (instead of `body`). */
  bodyAtDispatch?: BodyAtDispatch;
  priority?: Priority;
  /** Safe to retry (GETs, read POSTs, creates carrying a clientUniqueId). Default: method is GET. */
  idempotent?: boolean;
  /** The Gong scope the endpoint needs; checked against the connection's grant before sending. */
  scope?: string;
  /** Endpoint label for metrics and logs, e.g. `calls.extensive`. */
  endpoint: string;
  signal?: AbortSignal;
}

export interface GongResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON (undefined for an empty body). */
  body: unknown;
  /** Gong's requestId, when the body carried one. */
  requestId?: string;
  /**
   * The request was sent more than once (an earlier attempt failed with 5xx, a timeout or a lost
   * connection): Gong may have acted on an earlier one, as a create that now meets its duplicate.
   */
  resent?: boolean;
}

export interface GongTransport {
  readonly connectionRef: string;
  /**
   * Sends one request under the connection's budget. Resolves with any HTTP status that Gong
   * answered after retries (the client decides what 404 means); rejects with a GatewayError
   * (UPSTREAM_RATE_LIMITED, UPSTREAM_UNAVAILABLE, RECONNECT_REQUIRED, FORBIDDEN for a missing
   * scope, ...) when no answer can be had.
   */
  request(req: GongRequest): Promise<GongResponse>;
  /**
   * Rejects as a request needing `scope` would be refused before it is sent (NOT_FOUND,
   * RECONNECT_REQUIRED, FORBIDDEN for a scope the connection's current grant lacks), spending
   * nothing: what a cached answer must pass too. Absent: nothing is checked.
   */
  check?(scope: string | undefined, what: string): Promise<void>;
}

export interface Page<T> {
  items: T[];
  records: Records;
  requestId: string;
}

export interface ListCallsParams {
  fromDateTime: string;
  toDateTime: string;
  workspaceId?: string;
  cursor?: string;
}

export interface ListFlowsParams {
  flowOwnerEmail: string;
  workspaceId?: string;
  cursor?: string;
}

/**
 * One function per Gong endpoint. Responses are validated against ./wire.ts (a mismatch is
 * UPSTREAM_SCHEMA_MISMATCH). Gong's "No calls found corresponding to the provided filters" 404 is
 * an empty page, not an error. Unknown ids on batch endpoints are simply absent from the result.
 */
/** The stats, settings and library endpoints (./client-stats.ts implements them). */
export interface GongStatsClient {
  activityAggregate(body: StatsRequest, priority?: Priority): Promise<Page<UserAggregateActivity>>;
  activityByPeriod(
    body: StatsByPeriodRequest,
    priority?: Priority,
  ): Promise<Page<UserActivityByPeriod>>;
  activityDayByDay(body: StatsRequest, priority?: Priority): Promise<Page<UserDayByDayActivity>>;
  interactionStats(body: StatsRequest, priority?: Priority): Promise<Page<UserInteractionStats>>;
  answeredScorecards(
    body: AnsweredScorecardsRequest,
    priority?: Priority,
  ): Promise<Page<AnsweredScorecard>>;
  listScorecards(priority?: Priority): Promise<Scorecard[]>;
  listTrackers(params?: { workspaceId?: string }, priority?: Priority): Promise<KeywordTracker[]>;
  listLibraryFolders(
    params?: { workspaceId?: string },
    priority?: Priority,
  ): Promise<LibraryFolder[]>;
  /** Null when Gong has no such (public, unarchived) folder. */
  libraryFolderContent(folderId: string, priority?: Priority): Promise<LibraryFolderContent | null>;
  /** GET /v2/call-outcomes: newer than our copy of the spec; its shape and scope are inferred. */
  listCallOutcomes(priority?: Priority): Promise<CallOutcomeDefinition[]>;
}

/**
 * Reads by id over Gong's batch endpoints. Unknown ids are absent from the answer (never an
 * error), and the answer holds only the ids asked for.
 */
export interface ByIdReads {
  callsByIds(
    ids: readonly string[],
    selector: ContentSelector | undefined,
    priority?: Priority,
  ): Promise<CallData[]>;
  usersByIds(ids: readonly string[], priority?: Priority): Promise<UserMetadata[]>;
  transcriptsByIds(ids: readonly string[], priority?: Priority): Promise<CallTranscript[]>;
}

export interface GongClient extends GongStatsClient, ByIdReads {
  readonly connectionRef: string;
  /**
   * Rejects unless the connection is usable and its current grant holds every scope: checked
   * before an answer is served from a cache, as Gong would refuse the same read.
   */
  assertGranted(scopes: readonly string[], what: string): Promise<void>;
  listUsers(
    params?: { cursor?: string; includeAvatars?: boolean },
    priority?: Priority,
  ): Promise<Page<UserMetadata>>;
  getUser(id: string, priority?: Priority): Promise<UserMetadata | null>;
  usersExtensive(body: UsersExtensiveRequest, priority?: Priority): Promise<Page<UserMetadata>>;
  listWorkspaces(priority?: Priority): Promise<Workspace[]>;
  listFlows(params: ListFlowsParams, priority?: Priority): Promise<Page<Flow>>;
  listCalls(params: ListCallsParams, priority?: Priority): Promise<Page<CallBasicData>>;
  getCall(id: string, priority?: Priority): Promise<CallBasicData | null>;
  callsExtensive(body: CallsExtensiveRequest, priority?: Priority): Promise<Page<CallData>>;
  transcripts(body: TranscriptsRequest, priority?: Priority): Promise<Page<CallTranscript>>;
  createCall(body: NewCallAddingRequest): Promise<{ requestId: string; callId: string }>;
}
