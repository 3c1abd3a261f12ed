/**
 * The public surface of the Gong sandbox: what `npm start`, every integration test and every
 * benchmark uses to start and steer it. Behaviour is specified in docs/sandbox.md.
 */
import type { KeyObject } from 'node:crypto';
import type { CallBasicData, CallData } from '../gong/wire.js';

export interface SandboxOptions {
  /** Same seed, same tenant. @default 42 */
  seed?: number;
  /**
   * A preset for `users`, `calls` and flows (explicit options win). `small`: 50 users, 2,000 calls,
   * a dozen flows. `realistic`: a mid-size Gong customer, 500 users, 20,000 calls over 90 days,
   * one flow per ten users. @default 'small'
   */
  tenantSize?: 'small' | 'realistic';
  /** @default 50 (500 for a realistic tenant) */
  users?: number;
  /** Calls spread over the last `days` days. @default 2000 (20,000 for a realistic tenant) */
  calls?: number;
  /** @default 90 */
  days?: number;
  /** A new call becomes visible to reads and webhooks this long after it ends. @default 5000 */
  processingDelayMs?: number;
  /** Its transcript this long after it ends. @default 15000 */
  transcriptDelayMs?: number;
  /** Gong's limits; `false` disables rate limiting. @default { perSecond: 3, perDay: 10000 } */
  rateLimit?: { perSecond: number; perDay: number } | false;
  /** @default 'sandbox-access-key' / 'sandbox-access-key-secret' */
  accessKey?: string;
  accessKeySecret?: string;
  /** OAuth app registered in the sandbox. @default 'sandbox-client-id' / 'sandbox-client-secret' */
  oauthClientId?: string;
  oauthClientSecret?: string;
  /** OAuth access-token lifetime in seconds. @default 86400 */
  tokenTtlSeconds?: number;
  /** Cursor lifetime in ms. @default 600000 */
  cursorTtlMs?: number;
  /** Tenant UTC offset used in every date it emits, e.g. '-07:00'. @default '-07:00' */
  utcOffset?: string;
  /** Host to bind. @default '127.0.0.1' */
  host?: string;
  /** Port of the main listener (0 = free port). @default 0 */
  port?: number;
  /** Clock, for tests that move time. @default Date.now */
  now?: () => number;
  /** Seeded dates lie in the `days` before this instant (ms). @default start time floored to the hour */
  anchor?: number;
  /** Port of the tenant listener (0 = free port). @default 0 */
  tenantPort?: number;
  /**
   * A repeated clientUniqueId on POST /v2/calls: 409 naming it, or 200 with the existing callId.
   * Gong's behaviour is not documented (its 409 example is "recording not enabled"). @default 'conflict'
   */
  duplicateCreate?: 'conflict' | 'same-call';
  /** Webhook delivery retries (Gong documents none). @default { attempts: 3, delayMs: 1000 } */
  webhookRetry?: { attempts: number; delayMs: number };
  /**
   * The RSA private key webhooks are signed with (2048 bits at least, as RS256 needs). Tests share
   * one across their sandboxes: generating one costs ~0.2 s of CPU. @default a new key, made when
   * the sandbox first signs or shows its public key
   */
  webhookSigningKey?: KeyObject;
  /** How often the processing timer looks for due calls. @default 250 */
  processingIntervalMs?: number;
}

export interface RequestLogEntry {
  /** ms since epoch, when the request arrived. */
  at: number;
  method: string;
  /** Path without query, e.g. `/v2/calls/extensive`. */
  path: string;
  /** Route label, e.g. `POST /v2/calls/extensive`. */
  endpoint: string;
  status: number;
  /** `basic`, `bearer` or `none`. */
  auth: string;
  /** Which listener: `api` (generic base URL) or `tenant` (api_base_url_for_customer). */
  listener: 'api' | 'tenant';
  query: Record<string, string>;
  /** Parsed JSON body, if any. */
  body?: unknown;
  /** Bytes received in a media upload's `mediaFile` part (the bytes themselves are discarded). */
  mediaBytes?: number;
  /** The W3C trace context the request carried (the gateway sends it when tracing is on). */
  traceparent?: string;
}

export interface FaultRule {
  /** Apply to requests whose path starts with this (default: every `/v2/` request). */
  pathPrefix?: string;
  /** Probability 0..1 per request. @default 1 */
  rate?: number;
  /** Apply to at most this many requests, then stop. */
  count?: number;
  kind:
    | {
        type: 'status';
        status: 400 | 403 | 404 | 429 | 500 | 502 | 503;
        retryAfterSeconds?: number;
      }
    | { type: 'latency'; ms: number }
    | { type: 'malformed' }
    | { type: 'reset' }
    /** Gong acts on the request (a create creates), then the answer is lost: this status instead. */
    | { type: 'lost-answer'; status: 500 | 502 | 503 };
}

export interface WebhookRule {
  id: string;
  targetUrl: string;
  /** Only calls of this workspace. */
  workspaceId?: string;
  /** Only calls with a party whose userId or email matches. */
  participant?: string;
  /** Sign with the tenant's RS256 key (Gong's "signed JWT header" option). @default true */
  signed?: boolean;
  /**
   * What `callData` carries. `thin` is the real capture (gong-api.md, last section): metaData,
   * empty context, parties, topics and trackers without occurrences, scorecardsAnswers,
   * interactionStats and an empty collaboration; no media, brief, key points, speakers or
   * questions. `full`: every section (no media). @default 'thin'
   */
  payload?: 'thin' | 'full';
}

export interface WebhookDelivery {
  ruleId: string;
  targetUrl: string;
  callId: string;
  isTest: boolean;
  status: number | 'error';
  at: number;
}

/** A call's `content.callOutcome` as Gong AI sets it, e.g. `{id: 'MEETING_BOOKED', category: 'Answered', name: 'Meeting booked'}`. */
export interface CallOutcomeValue {
  id?: string | null;
  category?: string | null;
  name?: string | null;
}

/**
 * Changes Gong makes to a call after processing it, which no webhook announces
 * (docs/sandbox.md, "Calls change after processing").
 */
export interface CallChangeControl {
  /**
   * Renames a processed call or edits its metaData fields; `isPrivate` makes it private or public.
   * The fields tied to when it happened (id, url, scheduled, started, duration) cannot change.
   * Returns the call's metaData now.
   */
  editCall(
    callId: string,
    changes: Partial<Omit<CallBasicData, 'id' | 'url' | 'scheduled' | 'started' | 'duration'>>,
  ): CallBasicData;
  /**
   * Sets (or, with null, clears) a processed call's `content.callOutcome`: the name of one of the
   * tenant's outcome definitions (written as Gong AI writes it), or the object itself.
   */
  setCallOutcome(callId: string, outcome: string | CallOutcomeValue | null): void;
  /** Deletes a call: no read lists or finds it any more, and its transcript is gone too. */
  deleteCall(callId: string): void;
  /**
   * A call another integration uploaded (a dialer backfill): visible with its transcript at once,
   * its start `startedAgoMs` back (default 3 days), and no webhook fires. Returns its id.
   */
  importCall(
    input?: Partial<{
      startedAgoMs: number;
      title: string;
      primaryUserId: string;
      workspaceId: string;
      isPrivate: boolean;
      durationSeconds: number;
    }>,
  ): string;
}

/** In-process handle of the control API (the same operations as `/__sandbox/...` over HTTP). */
export interface SandboxControl extends CallChangeControl {
  /** "A call just ended": it becomes visible after processingDelayMs, its transcript after transcriptDelayMs. Returns its id. */
  endCall(
    input?: Partial<{
      title: string;
      primaryUserId: string;
      workspaceId: string;
      isPrivate: boolean;
      durationSeconds: number;
      startedAgoMs: number;
      scheduledAgoMs: number;
    }>,
  ): Promise<string>;
  /** A reviewer (default: the host's manager) answers a scorecard on the call now; returns the answeredScorecardId. */
  answerScorecard(callId: string, reviewerUserId?: string): string;
  /** Run processing now for everything whose delay has passed (also runs on a timer). */
  tick(): Promise<void>;
  addWebhookRule(rule: Omit<WebhookRule, 'id'>): WebhookRule;
  removeWebhookRule(id: string): void;
  webhookRules(): WebhookRule[];
  /** Send a test delivery (isTest: true) of an existing call to a rule. */
  sendTestWebhook(ruleId: string): Promise<WebhookDelivery>;
  /**
   * Deliver the call.created webhook (isTest: false) of existing visible calls, one call after the
   * other, to every matching rule, as processing does when a call becomes visible. Resolves with
   * each rule's final attempt; an id that is not a visible call is refused before anything is sent.
   */
  deliverCallWebhooks(callIds: readonly string[]): Promise<WebhookDelivery[]>;
  webhookDeliveries(): WebhookDelivery[];
  /** The tenant's webhook public key as Gong's UI shows it (bare base64 SPKI). */
  webhookPublicKey(): string;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  requestLog(): RequestLogEntry[];
  /** Request counts by `endpoint` label. */
  counters(): Record<string, number>;
  resetLog(): void;
  /** Revoke every token (access and refresh) issued for a client. */
  revokeTokens(clientId?: string): void;
  /** Expire access tokens now (refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Reset the rate limiter (bucket and daily count). */
  resetRateLimit(): void;
  /** The tenant's calls as CallData with every section, visible or not (for assertions). */
  allCalls(): CallData[];
}

export interface Sandbox {
  /** Generic API base URL (like https://api.gong.io); also serves /oauth2/* (like app.gong.io). */
  url: string;
  /** The tenant's api_base_url_for_customer (a second listener). Bearer tokens work only here. */
  tenantUrl: string;
  accessKey: string;
  accessKeySecret: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: SandboxControl;
  close(): Promise<void>;
}
