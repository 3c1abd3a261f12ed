/**
 * The per-operation GraphQL context and the factory that builds it. The factory is shared by
 * HTTP (Apollo) and WebSocket (graphql-ws) execution. Client authentication is an injected step
 * (`authenticate`) that the auth module plugs in; it decides the principal and so the Gong
 * connection every upstream request of the operation goes to.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLResolveInfo } from 'graphql';
import { unauthenticated } from './errors.js';
import type { Principal } from './auth/client-auth.js';
import type { GongClient } from './gong/types.js';
import { createLoaders, type FullReadCache, type Loaders } from './loaders/index.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import { createSelectionCache, type SelectedFields } from './graphql/selection.js';

/** Who is calling, as decided by `authenticate` (defined by the auth module). */
export type { Principal };

/** What authentication sees of a request: HTTP headers, plus graphql-ws connection params. */
export interface AuthRequest {
  headers: IncomingHttpHeaders;
  connectionParams?: Readonly<Record<string, unknown>>;
}

/** Resolves the principal or rejects with a GatewayError (UNAUTHENTICATED / FORBIDDEN). */
export type Authenticate = (request: AuthRequest) => Promise<Principal>;

/** Values the read resolvers need that come from configuration (injectable for tests). */
export interface ReadSettings {
  syncCallsOverlapMs: number;
  syncTranscriptsOverlapMs: number;
  syncStartDays: number;
  /** Clock for default date windows and sync scans. */
  now: () => number;
}

/** A bag for other modules' per-gateway services (connections admin, writes, events...). */
export type GatewayServices = Record<string, unknown>;

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
  services: GatewayServices;
}

export interface ContextFactoryOptions {
  /** The Gong client of a connection (clients are per connection, long-lived). */
  gongClient(connectionRef: string): GongClient;
  authenticate: Authenticate;
  logger: Logger;
  metrics?: Metrics;
  cache?: FullReadCache;
  cacheTtlSeconds: number;
  settings: ReadSettings;
  services?: GatewayServices;
}

export type ContextFactory = (request: AuthRequest & { requestId?: string }) => Promise<GatewayContext>;

export function createContextFactory(opts: ContextFactoryOptions): ContextFactory {
  return async (request) => {
    const requestId = request.requestId ?? randomUUID();
    const principal = await opts.authenticate(request);
    const gong = opts.gongClient(principal.connectionRef);
    let logger: Logger | undefined;
    return {
      requestId,
      principal,
      connectionRef: principal.connectionRef,
      gong,
      loaders: createLoaders({ client: gong, metrics: opts.metrics, cache: opts.cache, cacheTtlSeconds: opts.cacheTtlSeconds }),
      // Made on first use: most operations log nothing, and a pino child serialises (and scrubs) its bindings up front.
      get logger() {
        return (logger ??= opts.logger.child({ requestId, connection: principal.connectionRef }));
      },
      settings: opts.settings,
      selected: createSelectionCache(),
      services: opts.services ?? {},
    };
  };
}

/**
 * The default until client auth is configured: open access on connection `default`, allowed only
 * while serving the embedded sandbox (or with GATEWAY_AUTH=none, an explicit opt-in).
 */
export function openAccess(allowed: boolean): Authenticate {
  return async () => {
    if (!allowed) throw unauthenticated('No client authentication is configured: set GATEWAY_API_KEYS or GATEWAY_JWT_SECRET (or GATEWAY_AUTH=none to serve Gong without client auth)');
    return { kind: 'open', connectionRef: 'default', admin: true };
  };
}
