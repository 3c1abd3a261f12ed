/**
 * All configuration, parsed once at start-up from the environment and passed down explicitly.
 * No other module reads `process.env`. Each variable carries a description; the README's
 * configuration table is generated from this list (`npm run config:table`) and a test keeps
 * the two equal.
 */
import { z } from 'zod';

/** A variable: its zod type (with default, if any) and one line for the README table. */
interface VarSpec {
  schema: z.ZodType;
  description: string;
  /** Shown in the table instead of the parsed default (e.g. for computed defaults). */
  shownDefault?: string;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0),
);
const url = z.url().transform((u) => u.replace(/\/+$/, ''));

export const VARS = {
  // ---- server
  PORT: {
    schema: int(0, 65535).default(4000),
    description: 'Port of the gateway (HTTP, GraphQL over WebSocket, webhooks).',
  },
  HOST: {
    schema: z.string().min(1).optional(),
    description:
      'Interface the gateway listens on. Default: 0.0.0.0 with client auth; 127.0.0.1 without it (open to anyone who reaches it), said at start-up.',
    shownDefault: '0.0.0.0 / 127.0.0.1',
  },
  PUBLIC_URL: {
    schema: url.optional(),
    description:
      'Public origin of the gateway, used for the OAuth redirect URI and webhook URL checks.',
    shownDefault: 'http://localhost:$PORT',
  },
  NODE_ENV: {
    schema: z.enum(['development', 'production', 'test']).default('development'),
    description:
      'production hides error details and field suggestions and disables introspection unless GRAPHQL_INTROSPECTION=true.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'pino log level.',
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, 'at least 16 characters').optional(),
    description:
      '/metrics (series labelled by connection ref) needs `Authorization: Bearer <METRICS_TOKEN>`. Unset: open, for scrapes from inside the network only.',
  },
  // ---- tracing (OpenTelemetry's standard variables; docs/operations.md "Traces")
  OTEL_TRACES_EXPORTER: {
    schema: z.enum(['otlp', 'console', 'none']).optional(),
    description:
      'Traces exporter: `otlp`, `console` or `none`. Unset: `otlp` when an OTLP endpoint is set, else tracing is off (no SDK is started).',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: url.optional(),
    description:
      'OTLP/HTTP base URL (e.g. `http://localhost:4318`); traces go to `<endpoint>/v1/traces`. Setting it turns tracing on.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    schema: url.optional(),
    description: 'Full URL for traces, used as is (wins over OTEL_EXPORTER_OTLP_ENDPOINT).',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    schema: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
    description:
      'OTLP encoding: `http/protobuf` or `http/json` (gRPC is not bundled). OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER(_ARG), OTEL_RESOURCE_ATTRIBUTES and OTEL_BSP_* are read by the SDK as the specification says.',
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    schema: z.enum(['http/protobuf', 'http/json']).optional(),
    description: 'The encoding for traces only (wins over OTEL_EXPORTER_OTLP_PROTOCOL).',
  },
  OTEL_SERVICE_NAME: {
    schema: z.string().min(1).default('gong-gateway'),
    description: "The traces' `service.name`.",
  },
  OTEL_SDK_DISABLED: {
    schema: bool.default(false),
    description: 'true: no tracing whatever the other OTEL_* variables say.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: int(0, 600_000).default(8_000),
    description:
      "How long a SIGTERM waits for in-flight work before exiting. Keep it below the orchestrator's kill grace (Docker and Kubernetes: 10 s by default, then SIGKILL).",
  },

  // ---- Gong access key mode (connection `default`)
  GONG_ACCESS_KEY: {
    schema: z.string().min(1).optional(),
    description:
      'Gong access key; with GONG_ACCESS_KEY_SECRET serves that company as connection `default`. Unset: the embedded sandbox.',
  },
  GONG_ACCESS_KEY_SECRET: {
    schema: z.string().min(1).optional(),
    description: 'Gong access key secret.',
  },
  GONG_API_BASE_URL: {
    schema: url.default('https://api.gong.io'),
    description:
      "Gong API base URL for the access-key connection (your tenant's base URL from Gong's API page).",
  },

  // ---- OAuth (multi-tenant)
  GONG_OAUTH_CLIENT_ID: {
    schema: z.string().min(1).optional(),
    description: 'Client id of your Gong OAuth app.',
  },
  GONG_OAUTH_CLIENT_SECRET: {
    schema: z.string().min(1).optional(),
    description: 'Client secret of your Gong OAuth app.',
  },
  GONG_OAUTH_AUTHORIZE_URL: {
    schema: url.default('https://app.gong.io/oauth2/authorize'),
    description: 'Gong authorize URL.',
  },
  GONG_OAUTH_TOKEN_URL: {
    schema: url.default('https://app.gong.io/oauth2/generate-customer-token'),
    description: 'Gong token URL.',
  },
  GONG_OAUTH_SCOPES: {
    schema: z
      .string()
      .default(
        'api:users:read api:workspaces:read api:flows:read api:calls:read:basic api:calls:read:extensive api:calls:read:transcript api:calls:create',
      ),
    description:
      'Space-separated scopes asked for when gongStartOAuth gets none. Opt in to scorecards, stats, trackers and the library by adding `api:stats:scorecards api:stats:user-actions api:stats:user-actions:detailed api:stats:interaction api:settings:scorecards:read api:settings:trackers:read api:library:read`. Scopes the gateway does not know are asked for with a logged warning.',
  },
  OAUTH_RETURN_ORIGINS: {
    schema: csv.default([]),
    description:
      'Comma-separated origins that gongStartOAuth(returnTo) may redirect to after the callback.',
  },
  OAUTH_STATE_TTL_SECONDS: {
    schema: int(30, 3600).default(600),
    description: 'Lifetime of an OAuth state.',
  },
  OAUTH_REFRESH_SKEW_SECONDS: {
    schema: int(0, 3600).default(120),
    description: 'Refresh an access token this long before it expires.',
  },

  // ---- storage
  REDIS_URL: {
    schema: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .optional(),
    description:
      'Redis for shared state (connections, budget, cache, event log, pub/sub). Unset: in-memory, one instance.',
  },
  REDIS_CLUSTER_NODES: {
    schema: csv
      .pipe(
        z
          .array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'host:port'))
          .min(1, 'at least one host:port'),
      )
      .optional(),
    description:
      'Comma-separated host:port seed nodes of a Redis Cluster for the shared state, instead of REDIS_URL (one server). Every multi-key script and stream keeps its keys in one slot (hash tags).',
  },
  REDIS_KEY_PREFIX: {
    schema: z.string().default('gg:'),
    description: 'Prefix of every Redis key.',
  },
  TOKEN_ENCRYPTION_KEY: {
    schema: z.string().optional(),
    description:
      '32-byte key (64 hex chars or base64) for AES-256-GCM encryption of tokens at rest. Required with REDIS_URL.',
  },
  TOKEN_ENCRYPTION_KEY_PREVIOUS: {
    schema: z.string().optional(),
    description:
      'The previous key during a key rotation: read with either, write with the new one.',
  },

  // ---- search read model (docs/search.md)
  READ_MODEL: {
    schema: z.enum(['on', 'off']).default('on'),
    description:
      '`off` turns off the search read model (gongCallSearch answers SEARCH_UNAVAILABLE; no fill, no database).',
  },
  READ_MODEL_DIR: {
    schema: z.string().min(1).default('.data/read-model'),
    description:
      'Directory of the embedded read model (PGlite), relative to the working directory. One gateway process per directory. Unused with DATABASE_URL.',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
      .optional(),
    description:
      'A Postgres server for the read model, shared by every instance (migrations run at start-up). Unset: embedded PGlite in READ_MODEL_DIR.',
  },
  DATABASE_POOL_MAX: {
    schema: int(1, 100).default(5),
    description: 'Connections each instance opens to DATABASE_URL.',
  },
  READ_MODEL_DAYS: {
    schema: int(1, 3_650).default(90),
    description:
      'The read model keeps calls that started in the last this many days; its first fill reads them.',
  },
  READ_MODEL_BUDGET_SHARE: {
    schema: z.coerce.number().min(0).max(1).default(0.5),
    description:
      "Share of GONG_DAILY_BUDGET the read model's fill and by-id refreshes may spend per connection per UTC day. A cap, not a pace: with budget left the fill goes as fast as the rate limit allows, behind interactive requests.",
  },

  // ---- client auth
  GATEWAY_AUTH: {
    schema: z.enum(['auto', 'none']).default('auto'),
    description:
      '`none` runs without client auth against real Gong (explicit opt-in). `auto`: keys/JWT when configured; open only against the embedded sandbox.',
  },
  GATEWAY_API_KEYS: {
    schema: csv.default([]),
    description:
      'Comma-separated server-to-server API keys (`Authorization: Bearer <key>`); may pick any connection with `x-gong-connection`.',
  },
  GATEWAY_ADMIN_API_KEYS: {
    schema: csv.default([]),
    description:
      'API keys that may also use admin fields (gongConnections, gongWebhookDeadLetters, gongSetWebhookPublicKey). Unset: every GATEWAY_API_KEYS key is admin.',
  },
  GATEWAY_JWT_SECRET: {
    schema: z.string().min(32, 'at least 32 characters').optional(),
    description: 'HS256 secret for connection-scoped client JWTs (claims `conn`, `exp`).',
  },
  CORS_ORIGINS: {
    schema: csv.default([]),
    description: 'Comma-separated browser origins allowed by CORS. None by default.',
  },

  // ---- Gong budget, retries, cache
  GONG_RATE_PER_SECOND: {
    schema: z.coerce.number().positive().max(1000).default(3),
    description: 'Upstream requests per second per connection (Gong: 3).',
  },
  GONG_DAILY_BUDGET: {
    schema: int(1, 10_000_000).default(10_000),
    description: 'Upstream requests per day per connection (Gong: 10,000).',
  },
  GONG_QUEUE_MAX: {
    schema: int(1, 1_000_000).default(1_000),
    description: 'Requests that may wait for the budget per connection before new ones fail fast.',
  },
  GONG_QUEUE_TIMEOUT_MS: {
    schema: int(100, 3_600_000).default(20_000),
    description:
      'Longest an interactive request waits for the budget before UPSTREAM_RATE_LIMITED.',
  },
  GONG_REQUEST_TIMEOUT_MS: {
    schema: int(100, 600_000).default(30_000),
    description: 'Deadline of one upstream request including retries.',
  },
  GONG_MAX_RETRIES: {
    schema: int(0, 20).default(4),
    description: 'Retries of an idempotent upstream request on 429, 5xx, timeouts and resets.',
  },
  GONG_MAX_REQUESTS_PER_OPERATION: {
    schema: int(1, 1_000_000).default(1_000),
    description:
      'Gong requests one operation may cause (an HTTP batch counts as one operation): estimated before execution from the selection, its arguments and what is cached or in flight, and counted during it; past it the operation gets UPSTREAM_CEILING_EXCEEDED before the request that would pass it is sent.',
  },
  GONG_BREAKER_THRESHOLD: {
    schema: int(1, 1000).default(8),
    description: 'Consecutive upstream failures that open the circuit breaker.',
  },
  GONG_BREAKER_COOLDOWN_MS: {
    schema: int(100, 600_000).default(10_000),
    description: 'How long the breaker stays open before a probe.',
  },
  CACHE_TTL_SECONDS: {
    schema: int(0, 86_400).default(300),
    description:
      'TTL of cached full-read objects (the users list, workspaces, flows, scorecard and tracker definitions, call outcomes, library folders). 0 disables.',
  },
  CACHE_FLOWS_TTL_SECONDS: {
    schema: int(1, 604_800).default(21_600),
    description:
      'TTL of the full flows read (when caching is on): a refresh costs one GET /v2/flows per active user, at most FLOWS_REFRESH_MAX_REQUESTS, so a day at 6 h is ~4 refreshes.',
  },
  FLOWS_REFRESH_MAX_REQUESTS: {
    schema: int(1, 100_000).default(250),
    description:
      'Most Gong requests one full flows read or refresh may send (one per owner): past it, owners never read and then those read longest ago go first and the rest stay stale (GongFlowConnection.freshness). 250 at the 6 h refresh is ≤1,000 a day, 10% of the budget.',
  },
  CACHE_STALE_SECONDS: {
    schema: int(0, 604_800).default(86_400),
    description:
      'Past its TTL a full read is served this much longer while one background refresh replaces it (stale-while-revalidate), so no query waits for the flows fan-out once it has data. 0: wait for the refresh.',
  },
  CACHE_MAX_BYTES: {
    schema: int(0, 68_719_476_736).default(67_108_864),
    description:
      'Bytes of calls, transcripts and users the in-memory entity cache keeps (least recently used go first; a call with every section is ~7 KiB and its transcript ~14 KiB, so 64 MiB holds ~3,000 calls with transcripts). With Redis the entries live in Redis (with TTLs) instead. 0 disables the entity cache.',
  },
  CACHE_CALLS_TTL_SECONDS: {
    schema: int(0, 604_800).default(3_600),
    description:
      "How long a call (by id, per section) is served from the entity cache. Processed calls rarely change; comments, CRM context and privacy can. Media URLs are kept at most 7 h (Gong's expire after 8). 0: calls are not cached.",
  },
  CACHE_TRANSCRIPTS_TTL_SECONDS: {
    schema: int(0, 2_592_000).default(604_800),
    description:
      'How long a transcript is served from the entity cache. Gong never changes a transcript once it exists; a call without one yet is never cached as such. 0: not cached.',
  },
  CACHE_USERS_TTL_SECONDS: {
    schema: int(0, 604_800).default(3_600),
    description:
      'How long a user (by id) is served from the entity cache (names, titles and managers change rarely). 0: not cached.',
  },

  // ---- incremental sync
  SYNC_CALLS_OVERLAP_MINUTES: {
    schema: int(0, 43_200).default(1_440),
    description:
      'gongCallsSync re-scans this far behind its high-water mark. Gong filters on the start but shows a call only after it ends and is processed (up to 1 h): a long meeting appears hours after its start.',
  },
  SYNC_TRANSCRIPTS_OVERLAP_MINUTES: {
    schema: int(0, 43_200).default(2_880),
    description: 'gongTranscriptsSync overlap (Gong: transcripts up to 24 h late).',
  },
  SYNC_STATE_RETENTION_HOURS: {
    schema: int(1, 8_760).default(336),
    description:
      'How long the server-side sync state lives: the ids a checkpoint chain delivered, and calls learned from webhooks, gongCreateCall and transcripts (read by id whatever their start).',
  },
  SYNC_START_DAYS: {
    schema: int(1, 3_650).default(90),
    description: 'How far back a sync without checkpoint starts.',
  },

  // ---- calls that change after processing (the reconciler, docs/caching.md)
  RECONCILE_RECENT_INTERVAL_SECONDS: {
    schema: int(1, 86_400).default(300),
    description:
      'How often the reconciler re-reads the last 24 h of calls of a connection in use, to notice calls made private, deleted, renamed or uploaded without a webhook. Any value from 1 s up.',
  },
  RECONCILE_INTERVAL_SECONDS: {
    schema: int(1, 2_592_000).default(3_600),
    description:
      'How often the reconciler re-reads the whole window (RECONCILE_WINDOW_DAYS). Any value from 1 s up.',
  },
  RECONCILE_WINDOW_DAYS: {
    schema: int(1, 365).default(14),
    description:
      'How far back (by call start) the reconciler notices changes; changes to older calls show only when a read meets them.',
  },
  RECONCILE_BUDGET_SHARE: {
    schema: z.coerce.number().min(0).max(1).default(0.1),
    description:
      "Largest share of a connection's GONG_DAILY_BUDGET the reconciler spends a day; past it the sweeps wait for the next UTC day. A tenant too large for the cadence gets longer intervals (the gong_gateway_reconcile_stretch metric and /readyz say so). 0 turns the reconciler off.",
  },
  RECONCILE_IDLE_HOURS: {
    schema: z.coerce.number().positive().max(8_760).default(72),
    description:
      'A connection is swept while it has subscribers, a sync chain whose state is kept (SYNC_STATE_RETENTION_HOURS), or reads in the last this many hours (72 h keeps a weekday-only frontend swept over a weekend).',
  },
  EVENT_RETENTION_HOURS: {
    schema: int(1, 87_600).default(336),
    description:
      'How long subscription events (call.created, transcript.ready, call.changed) are kept for `after` replay and sync change positions, beside EVENT_LOG_MAX_EVENTS; older positions are refused as past retention.',
  },

  // ---- GraphQL limits
  GRAPHQL_MAX_DEPTH: { schema: int(1, 100).default(10), description: 'Maximum query depth.' },
  GRAPHQL_MAX_COST: {
    schema: int(1, 10_000_000).default(20_000),
    description: 'Maximum query cost (GraphQL Armor cost model).',
  },
  GRAPHQL_MAX_ALIASES: {
    schema: int(0, 1000).default(15),
    description: 'Maximum aliases per operation.',
  },
  GRAPHQL_MAX_TOKENS: {
    schema: int(1, 1_000_000).default(2_000),
    description: 'Maximum tokens in a document.',
  },
  GRAPHQL_MAX_DIRECTIVES: {
    schema: int(0, 1000).default(50),
    description: 'Maximum directives per operation.',
  },
  GRAPHQL_MAX_BATCH_SIZE: {
    schema: int(1, 1000).default(10),
    description:
      "Most operations in one batched HTTP request (a JSON array, as Apollo's BatchHttpLink sends); the batch counts as one request for the cost and alias limits and GONG_MAX_REQUESTS_PER_OPERATION.",
  },
  GRAPHQL_MAX_ENTITIES: {
    schema: int(1, 1_000_000).default(1_000),
    description:
      'Most representations one federation `_entities` query may ask for (BAD_USER_INPUT above).',
  },
  GRAPHQL_INTROSPECTION: {
    schema: bool.optional(),
    description: 'Allow introspection. Default: on unless NODE_ENV=production.',
  },
  // ---- trusted documents (docs/security.md "Trusted documents")
  PERSISTED_DOCUMENTS_PATH: {
    schema: z.string().min(1).optional(),
    description:
      "A graphql-codegen client preset `persisted-documents.json` (hash → document), read once at start-up. Its operations are accepted by `documentId` and by APQ's `extensions.persistedQuery.sha256Hash`.",
  },
  PERSISTED_DOCUMENTS_ONLY: {
    schema: bool.default(false),
    description:
      'true: every transport refuses any operation that is not in PERSISTED_DOCUMENTS_PATH (PERSISTED_QUERY_NOT_IN_LIST).',
  },

  // ---- webhooks and events
  GONG_WEBHOOK_PUBLIC_KEY: {
    schema: z.string().optional(),
    description:
      "Public key of the `default` connection's Gong webhook rule (bare base64 SPKI as Gong shows it, or PEM).",
  },
  WEBHOOK_MAX_BYTES: {
    schema: int(1024, 100 * 1024 * 1024).default(5 * 1024 * 1024),
    description: 'Largest webhook body accepted (413 above).',
  },
  HTTP_BODY_IDLE_MS: {
    schema: int(100, 600_000).default(10_000),
    description:
      'Longest silence while an authenticated /graphql or /proxy request body arrives (408 after it).',
  },
  HTTP_BODY_DEADLINE_MS: {
    schema: int(100, 3_600_000).default(60_000),
    description:
      'Longest time for a whole authenticated /graphql or /proxy request body (408 after it). Media uploads stream and are not bounded by it.',
  },
  WEBHOOK_BODY_IDLE_MS: {
    schema: int(100, 600_000).default(10_000),
    description: 'Longest silence while a signed webhook body arrives (408 after it).',
  },
  WEBHOOK_BODY_DEADLINE_MS: {
    schema: int(100, 3_600_000).default(60_000),
    description: 'Longest time for a whole webhook body (408 after it).',
  },
  WEBHOOK_MAX_CONCURRENT: {
    schema: int(1, 100_000).default(64),
    description: 'Webhook bodies read at once; more get 503 with Retry-After.',
  },
  EVENT_LOG_MAX_EVENTS: {
    schema: int(100, 10_000_000).default(100_000),
    description: 'Events kept per connection for `after` replay (Redis stream MAXLEN ~).',
  },
  WS_MAX_MESSAGE_BYTES: {
    schema: int(1024, 64 * 1024 * 1024).default(256 * 1024),
    description:
      'Largest GraphQL-over-WebSocket message; a socket that sends more is closed with 1009.',
  },
  WS_MAX_UNAUTHENTICATED_SOCKETS: {
    schema: int(1, 1_000_000).default(100),
    description:
      'WebSockets that may wait for connection_init at once; more are closed with 1013 (try again later).',
  },
  WS_MAX_UNAUTHENTICATED_PER_PEER: {
    schema: int(1, 1_000_000).default(10),
    description:
      "WebSockets one peer address may hold waiting for connection_init; more are closed with 1013 (the address is the socket's, or taken from X-Forwarded-For past TRUST_PROXY hops).",
  },
  TRUST_PROXY: {
    schema: int(0, 10).default(0),
    description:
      "Proxies in front of the gateway that append to X-Forwarded-For; the client address is the entry this many hops from the right (0: the socket's own address; X-Forwarded-For is ignored).",
  },
  WS_CONNECTION_INIT_TIMEOUT_MS: {
    schema: int(100, 600_000).default(3_000),
    description:
      'How long a WebSocket may wait before sending connection_init: then it is closed with 4408, and cut off 1 s later if the peer ignores the close.',
  },
  WS_MAX_PENDING_EVENTS: {
    schema: int(1, 100_000).default(1_000),
    description:
      'Events queued per subscriber, on every transport (WebSocket, SSE, multipart), before a subscriber too slow to read is closed (it resumes with `after`).',
  },
  SSE_RESERVATION_TTL_MS: {
    schema: int(100, 3_600_000).default(10_000),
    description:
      'How long a GraphQL-over-SSE stream reserved with PUT waits to be opened (GET) before it and its operations are dropped.',
  },
  SSE_MAX_STREAMS_PER_CREDENTIAL: {
    schema: int(1, 100_000).default(100),
    description:
      'GraphQL-over-SSE streams (reserved or open, both modes) one credential may hold at once; more get 429 STREAM_LIMIT_EXCEEDED.',
  },
  TRANSCRIPT_POLL_INITIAL_SECONDS: {
    schema: z.coerce.number().nonnegative().default(30),
    description:
      'Gap between the first transcript checks after a call.created (the dense phase): transcript.ready comes within this of the transcript being readable. Only calls someone waits for are checked, ≤100 a request.',
  },
  TRANSCRIPT_POLL_DENSE_SECONDS: {
    schema: z.coerce.number().nonnegative().default(180),
    description:
      'How long the checks stay TRANSCRIPT_POLL_INITIAL_SECONDS apart; then the gap doubles up to the maximum. Calls Gong marks short, without media or without speech give up at its end.',
  },
  TRANSCRIPT_POLL_MAX_SECONDS: {
    schema: z.coerce.number().positive().default(3_600),
    description: 'Longest gap between transcript re-checks.',
  },
  TRANSCRIPT_POLL_GIVE_UP_HOURS: {
    schema: z.coerce.number().positive().default(48),
    description: 'Stop waiting for a transcript after this long.',
  },
  TRANSCRIPT_POLL_SHORT_CALL_SECONDS: {
    schema: z.coerce.number().nonnegative().default(15),
    description:
      'Calls shorter than this (metaData.duration) give up at the end of the dense phase: dialer calls of a few seconds rarely get a transcript.',
  },

  // ---- embedded / standalone sandbox
  SANDBOX_PORT: {
    schema: int(0, 65535).default(4100),
    description:
      '`npm run sandbox`: port of the standalone sandbox. `npm start` embeds it on a free port.',
  },
  SANDBOX_ACCESS_KEY: {
    schema: z.string().min(1).default('sandbox-access-key'),
    description: 'Sandbox Basic-auth access key.',
  },
  SANDBOX_ACCESS_KEY_SECRET: {
    schema: z.string().min(1).default('sandbox-access-key-secret'),
    description: 'Sandbox Basic-auth access key secret.',
  },
  SANDBOX_SEED: {
    schema: int(0, 2 ** 31).default(42),
    description: 'Seed of the sandbox tenant (same seed, same data).',
  },
  SANDBOX_USERS: {
    schema: int(1, 100_000).default(50),
    description: 'Users in the sandbox tenant.',
  },
  SANDBOX_CALLS: {
    schema: int(0, 1_000_000).default(2_000),
    description: 'Calls in the sandbox tenant (over the last 90 days).',
  },
  SANDBOX_PROCESSING_DELAY_MS: {
    schema: int(0, 86_400_000).default(5_000),
    description: 'Sandbox: a new call becomes visible this long after it ends (Gong: up to 1 h).',
  },
  SANDBOX_TRANSCRIPT_DELAY_MS: {
    schema: int(0, 86_400_000).default(15_000),
    description: 'Sandbox: its transcript this long after it ends (Gong: up to 24 h).',
  },
  SANDBOX_RATE_PER_SECOND: {
    schema: z.coerce.number().positive().default(3),
    description: 'Sandbox rate limit per second (Gong: 3).',
  },
  SANDBOX_DAILY_LIMIT: {
    schema: int(1, 100_000_000).default(10_000),
    description: 'Sandbox daily request limit (Gong: 10,000).',
  },
} satisfies Record<string, VarSpec>;

type Vars = typeof VARS;
export type Config = { [K in keyof Vars]: z.output<Vars[K]['schema']> } & {
  /** PUBLIC_URL with its default applied. */
  publicUrl: string;
};

export class ConfigError extends Error {}

/**
 * Parses the environment. Throws ConfigError whose message is one line per bad variable:
 * `PORT: expected an integer from 0 to 65535, got "abc"`.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(VARS) as [keyof Vars, VarSpec][]) {
    const raw = env[name];
    const given = raw === '' ? undefined : raw;
    const parsed = spec.schema.safeParse(given);
    if (parsed.success) out[name] = parsed.data;
    else {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      const shown =
        name.includes('SECRET') ||
        name.includes('KEY') ||
        name.includes('TOKEN') ||
        name === 'DATABASE_URL'
          ? '(hidden)'
          : JSON.stringify(given);
      problems.push(`${name}: ${why}, got ${shown}`);
    }
  }
  const c = out as Config;
  if (problems.length === 0) {
    if ((c.GONG_ACCESS_KEY === undefined) !== (c.GONG_ACCESS_KEY_SECRET === undefined))
      problems.push('GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET: set both or neither');
    if ((c.GONG_OAUTH_CLIENT_ID === undefined) !== (c.GONG_OAUTH_CLIENT_SECRET === undefined))
      problems.push('GONG_OAUTH_CLIENT_ID and GONG_OAUTH_CLIENT_SECRET: set both or neither');
    if (c.PERSISTED_DOCUMENTS_ONLY && c.PERSISTED_DOCUMENTS_PATH === undefined)
      problems.push(
        'PERSISTED_DOCUMENTS_ONLY: true needs PERSISTED_DOCUMENTS_PATH (the manifest of the operations to allow)',
      );
    if (c.REDIS_URL !== undefined && c.REDIS_CLUSTER_NODES !== undefined)
      problems.push(
        'REDIS_URL and REDIS_CLUSTER_NODES: set one of them (one server, or a cluster), not both',
      );
    if (
      (c.REDIS_URL !== undefined || c.REDIS_CLUSTER_NODES !== undefined) &&
      c.TOKEN_ENCRYPTION_KEY === undefined
    )
      problems.push(
        `TOKEN_ENCRYPTION_KEY: required when ${c.REDIS_URL !== undefined ? 'REDIS_URL' : 'REDIS_CLUSTER_NODES'} is set (32 bytes as 64 hex chars or base64)`,
      );
    for (const k of ['TOKEN_ENCRYPTION_KEY', 'TOKEN_ENCRYPTION_KEY_PREVIOUS'] as const) {
      const v = c[k];
      if (v !== undefined && decodeKey(v) === undefined)
        problems.push(
          `${k}: expected 32 bytes as 64 hex chars or base64, got (hidden, ${v.length} chars)`,
        );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  c.publicUrl = c.PUBLIC_URL ?? `http://localhost:${c.PORT}`;
  return c;
}

/** Decodes a 32-byte key given as hex or base64; undefined when it is neither. */
export function decodeKey(v: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  const b = Buffer.from(v, 'base64');
  return b.length === 32 ? b : undefined;
}

/** Whether the gateway serves the embedded sandbox (no Gong credentials of any kind). */
export function usesEmbeddedSandbox(c: Config): boolean {
  return c.GONG_ACCESS_KEY === undefined && c.GONG_OAUTH_CLIENT_ID === undefined;
}

/**
 * Why this configuration must not start, if it must not: in production without Gong credentials
 * every replica would serve its own embedded sandbox (separate fake tenants behind one load
 * balancer), silently. The sandbox is for development.
 */
export function embeddedSandboxRefusal(c: Config): string | undefined {
  if (c.NODE_ENV !== 'production' || !usesEmbeddedSandbox(c)) return undefined;
  return (
    'NODE_ENV=production needs Gong credentials: GONG_ACCESS_KEY + GONG_ACCESS_KEY_SECRET, or GONG_OAUTH_CLIENT_ID + GONG_OAUTH_CLIENT_SECRET. ' +
    'Without them each replica would serve its own embedded sandbox. To try the gateway against the sandbox, set NODE_ENV=development.'
  );
}

/** The README configuration table, generated from VARS. */
export function configTable(): string {
  const rows = Object.entries(VARS).map(([name, spec]: [string, VarSpec]) => {
    let def = spec.shownDefault;
    if (def === undefined) {
      const parsed = spec.schema.safeParse(undefined);
      def = parsed.success && parsed.data !== undefined ? JSON.stringify(parsed.data) : '';
    }
    return `| \`${name}\` | ${def === '' ? '—' : `\`${def.replace(/\|/g, '\\|')}\``} | ${spec.description} |`;
  });
  return ['| variable | default | what it does |', '| --- | --- | --- |', ...rows].join('\n');
}
