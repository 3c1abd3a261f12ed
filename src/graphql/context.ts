/**
 * The per-operation GraphQL context and the factory that builds it. The factory is shared by
 * HTTP (Apollo) and WebSocket (graphql-ws) execution. Client authentication is an injected step
 * (`authenticate`) that the auth module plugs in; it decides the principal and so the Gong
 * connection every upstream request of the operation goes to.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLResolveInfo } from 'graphql';
import { unauthenticated } from '../errors.js';
import type { Principal } from '../auth/client-auth.js';
import type { ConnectionServices } from '../connections/services.js';
import type { EventServices, SharedStream, SubscriberSocket } from '../events/services.js';
import type { GongClient } from '../gong/types.js';
import type { SyncState } from '../sync/sync-state.js';
import type { CallChangeServices } from '../reconcile/services.js';
import type { CreateCallService } from '../call-creation/create-call.js';
import { createLoaders, type FullReadCache, type Loaders } from '../loaders/index.js';
import type { EntityCache } from '../cache/entity-cache.js';
import type { Logger } from '../observability/logger.js';
import { createRequestBudget, type RequestBudget } from '../scheduler/operation-scope.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallSearchService } from '../read-model/read-model.js';
import { createSelectionCache, type SelectedFields } from './selection.js';

/** Who is calling, as decided by `authenticate` (defined by the auth module). */
export type { Principal };

/** What authentication sees of a request: HTTP headers, plus graphql-ws connection params. */
export interface AuthRequest {
  headers: IncomingHttpHeaders;
  connectionParams?: Readonly<Record<string, unknown>>;
}

/** Resolves the principal or rejects with a GatewayError (UNAUTHENTICATED / FORBIDDEN). */
export type AuthenticateRequest = (request: AuthRequest) => Promise<Principal>;

/** Values the read resolvers need that come from configuration (injectable for tests). */
export interface ReadSettings {
  syncCallsOverlapMs: number;
  syncTranscriptsOverlapMs: number;
  syncStartDays: number;
  /** FLOWS_REFRESH_MAX_REQUESTS: the ceiling of one full flows read or refresh. */
  flowsRefreshMaxRequests: number;
  /** Clock for default date windows and sync scans. */
  now: () => number;
}

/** The per-gateway services resolvers use; the wiring (src/wiring/) builds each one once. */
export interface GatewayServices {
  /** Connection admin (gongConnections, gongConnect...); absent when an embedder brings its own registry without it. */
  connections?: ConnectionServices;
  /** Event log, webhook keys and dead letters, for subscriptions and the webhook admin fields. */
  events: EventServices;
  /** Idempotent call creation, for gongCreateCall. */
  writes: CreateCallService;
  /** Sync checkpoints and the calls learned outside a sync. */
  sync: SyncState;
  /** Evicts cached calls (with their transcripts), or everything cached for a connection. */
  caches: { evict(connectionRef: string, callIds?: readonly string[]): Promise<void> };
  /** Searches of the read model (gongCallSearch); absent with READ_MODEL=off. */
  search?: CallSearchService;
  /** Ends what runs live on a connection (subscriptions, streams, sockets) once it is disconnected. */
  live?: { connectionGone(connectionRef: string): void };
  /** The newest knowledge of calls for the privacy rule, and the uses that keep a connection swept; absent: records decide their own privacy. */
  calls?: CallChangeServices;
}

export interface GatewayContext {
  requestId: string;
  principal: Principal;
  connectionRef: string;
  gong: GongClient;
  loaders: Loaders;
  logger: Logger;
  settings: ReadSettings;
  /** `Type.field` pairs the current operation selects (memoized per operation). */
  selected(info: GraphQLResolveInfo): SelectedFields;
  /** Loaders that share nothing with `loaders`: a subscription lives long, and cached users or transcripts go stale. */
  freshLoaders(): Loaders;
  services: GatewayServices;
  /** The WebSocket or HTTP stream the operation runs on, so a too-slow subscriber can be closed (4413). */
  subscriberSocket?: SubscriberSocket;
  /** Set by the subscription hub for a group of identical subscriptions that share one stream. */
  sharedStream?: SharedStream;
  /**
   * The Gong requests the operation may still cause (GONG_MAX_REQUESTS_PER_OPERATION). One per
   * context, so the operations of an HTTP batch (which share their context) share it.
   */
  requestBudget: RequestBudget;
  /** Aborted once the client went away: its queued Gong requests are dropped (set by the transport). */
  signal?: AbortSignal;
}

export interface ContextFactoryOptions {
  /** The Gong client of a connection (clients are per connection, long-lived). */
  gongClient(connectionRef: string): GongClient;
  authenticate: AuthenticateRequest;
  logger: Logger;
  metrics?: Metrics;
  cache?: FullReadCache;
  cacheTtlSeconds: number;
  /** Calls, transcripts and users shared by operations and instances. */
  entities?: EntityCache;
  settings: ReadSettings;
  services: GatewayServices;
  /** GONG_MAX_REQUESTS_PER_OPERATION. @default 1000 */
  maxRequestsPerOperation?: number;
}

const NO_CACHE = /(^|,)\s*no-cache\s*(,|$)/i;

/**
 * Whether the caller asked to read from Gong rather than the caches: `Cache-Control: no-cache` on
 * the HTTP request, or in graphql-ws's connection_init payload (`{"Cache-Control": "no-cache"}`, or
 * under `headers`, as some clients nest them), which then holds for every operation of the socket.
 */
export function wantsFresh(request: AuthRequest): boolean {
  const values: unknown[] = [request.headers['cache-control']];
  const params = request.connectionParams;
  if (params) {
    const nested = params.headers;
    for (const bag of [
      params,
      typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : {},
    ])
      for (const [k, v] of Object.entries(bag))
        if (k.toLowerCase() === 'cache-control' || k === 'cacheControl') values.push(v);
  }
  return values.some((v) =>
    (Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && NO_CACHE.test(x)),
  );
}

export type ContextFactory = (
  request: AuthRequest & { requestId?: string },
) => Promise<GatewayContext>;

export function createContextFactory(opts: ContextFactoryOptions): ContextFactory {
  const loadersFor = (gong: GongClient, fresh: boolean) =>
    createLoaders({
      client: gong,
      metrics: opts.metrics,
      cache: opts.cache,
      cacheTtlSeconds: opts.cacheTtlSeconds,
      entities: opts.entities,
      fresh,
      standings: opts.services.calls?.standings,
    });
  return async (request) => {
    const requestId = request.requestId ?? randomUUID();
    const principal = await opts.authenticate(request);
    const gong = opts.gongClient(principal.connectionRef);
    const fresh = wantsFresh(request);
    let logger: Logger | undefined;
    return {
      requestId,
      principal,
      connectionRef: principal.connectionRef,
      gong,
      loaders: loadersFor(gong, fresh),
      // Made on first use: most operations log nothing, and a pino child serialises (and scrubs) its bindings up front.
      get logger() {
        return (logger ??= opts.logger.child({ requestId, connection: principal.connectionRef }));
      },
      settings: opts.settings,
      selected: createSelectionCache(),
      freshLoaders: () => loadersFor(gong, fresh),
      services: opts.services,
      requestBudget: createRequestBudget(opts.maxRequestsPerOperation ?? 1_000),
    };
  };
}

/**
 * The default until client auth is configured: open access on connection `default`, allowed only
 * while serving the embedded sandbox (or with GATEWAY_AUTH=none, an explicit opt-in).
 */
export function openAccess(allowed: boolean): AuthenticateRequest {
  return () =>
    allowed
      ? Promise.resolve({ kind: 'open', connectionRef: 'default', admin: true })
      : Promise.reject(
          unauthenticated(
            'No client authentication is configured: set GATEWAY_API_KEYS or GATEWAY_JWT_SECRET (or GATEWAY_AUTH=none to serve Gong without client auth)',
          ),
        );
}
