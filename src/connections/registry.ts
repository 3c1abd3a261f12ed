/**
 * The gateway's ConnectionRegistry: the access-key company from the environment (`default`) and
 * every company connected through OAuth, kept in the KeyValueStore with tokens sealed at rest.
 *
 * Refresh rules (a request should never carry a token Gong is about to refuse): an access token
 * is refreshed `refreshSkewSeconds` before it expires and once after a Gong 401 (`forceRefresh`).
 * Refreshes are single-flight per connection: in process through a map of promises, across
 * instances through a `SET NX PX` lock in the store (Redis when configured); an instance that
 * loses the lock waits for the winner's tokens to appear instead of refreshing again (with
 * rotating refresh tokens a second refresh would fail).
 */
import { ErrorCode, GatewayError, badInput, notFound } from '../errors.js';
import type { TokenResponse } from '../gong/wire/oauth.js';
import type { Logger } from '../observability/logger.js';
import type { TokenCrypto } from '../store/crypto.js';
import type { KeyValueStore } from '../store/types.js';
import {
  createConnectionRecords,
  publicConnection,
  type OAuthTokens,
  type StoredConnection,
} from './connection-records.js';
import { createAccessKeyRegistry } from './access-key.js';
import type { Fetch, OAuthClientCredentials } from './token-endpoint.js';
import { bearer, createTokenRefresh, reconnectRequired } from './token-refresh.js';
import {
  DEFAULT_CONNECTION_REF,
  type Connection,
  type ConnectionRegistry,
  type ConnectionStatus,
} from './types.js';

export interface ConnectionRegistryOptions {
  store: KeyValueStore;
  crypto: TokenCrypto;
  /** The access-key company served as connection `default`. */
  accessKey?: { baseUrl: string; accessKey: string; accessKeySecret: string };
  /** The OAuth app; needed to refresh tokens. */
  oauth?: OAuthClientCredentials;
  /** Refresh this long before expiry (OAUTH_REFRESH_SKEW_SECONDS). */
  refreshSkewSeconds: number;
  /** Base URL when a token response has no api_base_url_for_customer. @default 'https://api.gong.io' */
  defaultBaseUrl?: string;
  /**
   * Hosts a connection's base URL may name besides `*.gong.io` (and the hosts of defaultBaseUrl,
   * the access key's base URL and the token URL, which are configured): tokens go nowhere else.
   */
  apiHosts?: string[];
  logger: Logger;
  /** @default Date.now */
  now?: () => number;
  fetch?: Fetch;
  /** How long a record read from the store is reused in process. @default 1000 */
  cacheTtlMs?: number;
  /** Lifetime of the cross-instance refresh lock (a crashed holder frees it then). @default 15000 */
  lockTtlMs?: number;
  /** Poll interval while another instance holds the refresh lock. @default 50 */
  lockPollMs?: number;
  /** Longest wait for another instance's refresh. @default 10000 */
  lockWaitMs?: number;
  /**
   * A forced refresh within this long after a successful one reuses the new token: the 401s of
   * requests sent before the refresh must not each trigger another refresh. @default 5000
   */
  refreshReuseMs?: number;
}

export interface ManagedConnectionRegistry extends ConnectionRegistry {
  /** Stores a connection from a token response (code exchange): ACTIVE, tokens sealed. */
  saveOAuthConnection(
    ref: string,
    tokens: TokenResponse,
    opts?: { requestedScopes?: string[] },
  ): Promise<Connection>;
  /** Status REVOKED and tokens deleted. */
  disconnect(ref: string): Promise<Connection>;
  setStatus(ref: string, status: ConnectionStatus): Promise<Connection>;
}

export { reconnectRequired };

/** Hosts a bearer token may be sent to: Gong's, plus those configured explicitly. */
function apiHostCheck(opts: ConnectionRegistryOptions): (baseUrl: string) => boolean {
  const hostOf = (u: string | undefined) => {
    try {
      return u === undefined ? undefined : new URL(u).hostname.toLowerCase();
    } catch {
      return undefined;
    }
  };
  const configured = new Set(
    [opts.defaultBaseUrl, opts.accessKey?.baseUrl, opts.oauth?.tokenUrl]
      .map(hostOf)
      .filter((h): h is string => h !== undefined),
  );
  for (const h of opts.apiHosts ?? []) configured.add(h.toLowerCase());
  return (baseUrl) => {
    const host = hostOf(baseUrl);
    return (
      host !== undefined &&
      (host === 'gong.io' || host.endsWith('.gong.io') || configured.has(host))
    );
  };
}

/** api_base_url_for_customer must be an absolute http(s) URL; every later call goes there. */
function baseUrlOf(raw: string, ref: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new GatewayError(
      ErrorCode.UPSTREAM_SCHEMA_MISMATCH,
      `api_base_url_for_customer for '${ref}' must be an absolute URL, got ${JSON.stringify(raw)}`,
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new GatewayError(
      ErrorCode.UPSTREAM_SCHEMA_MISMATCH,
      `api_base_url_for_customer for '${ref}' must be http(s), got ${u.protocol}`,
    );
  }
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

const splitScopes = (s: string) => s.split(/\s+/).filter((p) => p.length > 0);

export function createConnectionRegistry(
  opts: ConnectionRegistryOptions,
): ManagedConnectionRegistry {
  const now = opts.now ?? Date.now;
  const records = createConnectionRecords(opts.store, opts.crypto);
  const cacheTtlMs = opts.cacheTtlMs ?? 1000;
  const lockTtlMs = opts.lockTtlMs ?? 15_000;
  const lockPollMs = opts.lockPollMs ?? 50;
  const lockWaitMs = opts.lockWaitMs ?? 10_000;
  const reuseMs = opts.refreshReuseMs ?? 5000;
  const skewMs = opts.refreshSkewSeconds * 1000;
  const log = opts.logger;

  // `default` from the environment: Basic auth, never stored, never refreshed.
  const accessKeyRegistry =
    opts.accessKey && createAccessKeyRegistry({ ref: DEFAULT_CONNECTION_REF, ...opts.accessKey });
  const accessKeyConnection = accessKeyRegistry !== undefined;
  const isAccessKeyRef = (ref: string) => accessKeyConnection && ref === DEFAULT_CONNECTION_REF;

  const allowedHost = apiHostCheck(opts);
  const cache = new Map<string, { rec: StoredConnection; at: number }>();
  const inflight = new Map<string, Promise<string>>();
  const lastRefreshAt = new Map<string, number>();

  const remember = (rec: StoredConnection) => cache.set(rec.ref, { rec, at: now() });

  async function load(ref: string, fresh = false): Promise<StoredConnection | null> {
    const hit = cache.get(ref);
    if (!fresh && hit && now() - hit.at < cacheTtlMs) return hit.rec;
    const rec = await records.read(ref);
    if (rec) remember(rec);
    else cache.delete(ref);
    return rec;
  }

  async function write(rec: StoredConnection): Promise<void> {
    await records.write(rec);
    remember(rec);
  }

  /** The tokens of a usable OAuth connection, or the error that says why it is not usable. */
  function usableTokens(rec: StoredConnection | null, ref: string): OAuthTokens {
    if (!rec)
      throw notFound(`No Gong connection '${ref}': connect it with gongStartOAuth first`, {
        connectionRef: ref,
      });
    if (rec.status === 'REVOKED') throw reconnectRequired(ref, 'it was disconnected');
    if (rec.status === 'RECONNECT_REQUIRED')
      throw reconnectRequired(ref, 'its tokens were refused by Gong');
    // Defence in depth behind the sealed binding: a bearer token only ever goes to a Gong host.
    if (!allowedHost(rec.baseUrl))
      throw new GatewayError(
        ErrorCode.INTERNAL_SERVER_ERROR,
        `Connection '${ref}' names a base URL outside Gong's hosts; refusing to send its token there`,
        { connectionRef: ref },
      );
    const tokens = records.openTokens(rec);
    if (!tokens) throw reconnectRequired(ref, 'no tokens are stored');
    return tokens;
  }

  const expiring = (t: OAuthTokens) => t.expiresAt !== undefined && t.expiresAt - skewMs <= now();

  function applyTokens(
    prev: StoredConnection | null,
    ref: string,
    res: TokenResponse,
    keepRefresh: string | undefined,
    requested?: string[],
  ): StoredConnection {
    const at = new Date(now()).toISOString();
    const tokens: OAuthTokens = { accessToken: res.access_token };
    const refresh = res.refresh_token ?? keepRefresh;
    if (refresh !== undefined) tokens.refreshToken = refresh;
    if (typeof res.expires_in === 'number') tokens.expiresAt = now() + res.expires_in * 1000;
    const scopes =
      typeof res.scope === 'string' ? splitScopes(res.scope) : (prev?.scopes ?? requested ?? null);
    const baseUrl =
      typeof res.api_base_url_for_customer === 'string'
        ? baseUrlOf(res.api_base_url_for_customer, ref)
        : (prev?.baseUrl ?? opts.defaultBaseUrl ?? 'https://api.gong.io');
    if (!allowedHost(baseUrl))
      throw new GatewayError(
        ErrorCode.UPSTREAM_SCHEMA_MISMATCH,
        `api_base_url_for_customer for '${ref}' is not a Gong host: ${JSON.stringify(baseUrl)}`,
        { connectionRef: ref },
      );
    return {
      ref,
      authKind: 'OAUTH',
      baseUrl,
      scopes,
      status: 'ACTIVE',
      createdAt: prev?.createdAt ?? at,
      updatedAt: at,
      sealedTokens: records.sealTokens(ref, baseUrl, tokens),
    };
  }

  // Refreshing is its own module: one flight per connection across instances, the injected clock.
  const refresh = createTokenRefresh({
    store: opts.store,
    oauth: opts.oauth,
    fetch: opts.fetch,
    logger: log,
    now,
    lockTtlMs,
    lockPollMs,
    lockWaitMs,
    load,
    usableTokens,
    expiring,
    markReconnectRequired: async (rec) => void (await changeStatus(rec, 'RECONNECT_REQUIRED')),
    save: async (latest, ref, res, keepRefresh) => {
      await write(applyTokens(latest, ref, res, keepRefresh));
      lastRefreshAt.set(ref, now());
    },
  });

  async function changeStatus(
    rec: StoredConnection,
    status: ConnectionStatus,
  ): Promise<StoredConnection> {
    const next: StoredConnection = { ...rec, status, updatedAt: new Date(now()).toISOString() };
    if (status === 'REVOKED') delete next.sealedTokens;
    await write(next);
    return next;
  }

  async function existingOAuth(ref: string): Promise<StoredConnection> {
    if (isAccessKeyRef(ref))
      throw badInput(
        `Connection '${ref}' is the access-key connection from GONG_ACCESS_KEY; change it in the environment`,
        { connectionRef: ref },
      );
    const rec = await load(ref, true);
    if (!rec) throw notFound(`No Gong connection '${ref}'`, { connectionRef: ref });
    return rec;
  }

  return {
    async get(ref) {
      if (accessKeyRegistry && isAccessKeyRef(ref)) return accessKeyRegistry.get(ref);
      const rec = await load(ref);
      return rec && publicConnection(rec);
    },

    async list() {
      const refs = (await records.refs()).filter((r) => !isAccessKeyRef(r)).sort();
      const stored = await Promise.all(refs.map((r) => load(r)));
      const out = stored.filter((r): r is StoredConnection => r !== null).map(publicConnection);
      return accessKeyRegistry ? [...(await accessKeyRegistry.list()), ...out] : out;
    },

    async authorization(ref, aopts = {}) {
      if (accessKeyRegistry && isAccessKeyRef(ref))
        return accessKeyRegistry.authorization(ref, aopts);
      const tokens = usableTokens(await load(ref), ref);
      if (!aopts.forceRefresh && !expiring(tokens)) return bearer(tokens);
      const running = inflight.get(ref);
      if (running) return running;
      const refreshedAt = lastRefreshAt.get(ref);
      if (
        aopts.forceRefresh &&
        refreshedAt !== undefined &&
        now() - refreshedAt < reuseMs &&
        !expiring(tokens)
      )
        return bearer(tokens);
      const flight = refresh(ref, tokens.accessToken).finally(() => inflight.delete(ref));
      inflight.set(ref, flight);
      return flight;
    },

    async saveOAuthConnection(ref, res, sopts = {}) {
      if (isAccessKeyRef(ref))
        throw badInput(`Connection '${ref}' is reserved for the access-key connection`, {
          connectionRef: ref,
        });
      const prev = await load(ref, true);
      const next = applyTokens(prev, ref, res, undefined, sopts.requestedScopes);
      await write(next);
      lastRefreshAt.delete(ref);
      return publicConnection(next);
    },

    async disconnect(ref) {
      const rec = await existingOAuth(ref);
      lastRefreshAt.delete(ref);
      return publicConnection(await changeStatus(rec, 'REVOKED'));
    },

    async setStatus(ref, status) {
      return publicConnection(await changeStatus(await existingOAuth(ref), status));
    },
  };
}
