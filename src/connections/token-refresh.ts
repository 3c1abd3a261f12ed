/**
 * Refreshing a connection's OAuth access token, apart from where connections are kept: one
 * refresh at a time per connection across instances (a `SET NX PX` lock in the store; an instance
 * that loses the lock waits for the winner's tokens instead of spending the refresh token again),
 * on the injected clock. Gong refusing the refresh token, or no refresh token, or no OAuth app in
 * config any more, all mean the customer must connect again: RECONNECT_REQUIRED.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, GatewayError } from '../errors.js';
import type { TokenResponse } from '../gong/wire/oauth.js';
import type { Logger } from '../observability/logger.js';
import type { KeyValueStore } from '../store/types.js';
import { refreshLockKey, type OAuthTokens, type StoredConnection } from './connection-records.js';
import { requestToken, type Fetch, type OAuthClientCredentials } from './token-endpoint.js';

export function reconnectRequired(ref: string, why: string): GatewayError {
  return new GatewayError(
    ErrorCode.RECONNECT_REQUIRED,
    `Gong connection '${ref}' must be reconnected through OAuth: ${why}`,
    { connectionRef: ref },
  );
}

export const bearer = (t: OAuthTokens) => `Bearer ${t.accessToken}`;

export interface TokenRefreshDeps {
  store: KeyValueStore;
  /** The OAuth app; without it no token can be refreshed. */
  oauth: OAuthClientCredentials | undefined;
  fetch: Fetch | undefined;
  logger: Logger;
  now: () => number;
  lockTtlMs: number;
  lockPollMs: number;
  lockWaitMs: number;
  /** The stored connection (`fresh`: bypassing the registry's short cache). */
  load(ref: string, fresh: boolean): Promise<StoredConnection | null>;
  /** The tokens of a usable connection, or the error that says why it is not usable. */
  usableTokens(rec: StoredConnection | null, ref: string): OAuthTokens;
  /** Whether the access token is within the refresh skew of its expiry. */
  expiring(t: OAuthTokens): boolean;
  markReconnectRequired(rec: StoredConnection): Promise<void>;
  /** Stores Gong's answer as the connection's tokens (keeping the refresh token when Gong sent none). */
  save(
    latest: StoredConnection,
    ref: string,
    res: TokenResponse,
    keepRefresh: string,
  ): Promise<void>;
}

/** Returns `refresh(ref, stale)`: the Authorization header after a refresh (or another instance's). */
export function createTokenRefresh(
  deps: TokenRefreshDeps,
): (ref: string, stale: string) => Promise<string> {
  const { now, logger: log } = deps;

  async function refreshHoldingLock(ref: string, stale: string): Promise<string> {
    const rec = await deps.load(ref, true);
    const tokens = deps.usableTokens(rec, ref);
    // Another instance (or an earlier flight) already refreshed: use its token.
    if (tokens.accessToken !== stale && !deps.expiring(tokens)) return bearer(tokens);
    if (!tokens.refreshToken) {
      await deps.markReconnectRequired(rec!);
      throw reconnectRequired(ref, 'Gong gave no refresh token');
    }
    // The app that issued the token was removed from config: only a new connect (after it is restored) helps.
    if (!deps.oauth)
      throw reconnectRequired(
        ref,
        'the gateway has no Gong OAuth app to refresh its token with (GONG_OAUTH_CLIENT_ID and GONG_OAUTH_CLIENT_SECRET are not set)',
      );
    const result = await requestToken(
      deps.oauth,
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
      deps.fetch ? { fetch: deps.fetch } : {},
    );
    if (!result.ok && result.kind === 'rejected') {
      log.warn(
        { connectionRef: ref, status: result.status, error: result.error },
        'Gong refused the refresh token; connection needs a reconnect',
      );
      await deps.markReconnectRequired(rec!);
      throw reconnectRequired(ref, `Gong refused the refresh (${result.error})`);
    }
    if (!result.ok) {
      throw new GatewayError(
        ErrorCode.UPSTREAM_ERROR,
        `Refreshing the Gong token of '${ref}' failed: ${result.description}`,
        { connectionRef: ref },
      );
    }
    // A disconnect that landed while the refresh was on the wire wins.
    const latest = await deps.load(ref, true);
    if (!latest || latest.status === 'REVOKED') throw reconnectRequired(ref, 'it was disconnected');
    await deps.save(latest, ref, result.tokens, tokens.refreshToken);
    log.info({ connectionRef: ref }, 'Gong access token refreshed');
    return `Bearer ${result.tokens.access_token}`;
  }

  return async function refresh(ref: string, stale: string): Promise<string> {
    const lockKey = refreshLockKey(ref);
    const deadline = now() + deps.lockWaitMs;
    for (;;) {
      const owner = randomUUID();
      if (await deps.store.set(lockKey, owner, { onlyIfAbsent: true, ttlMs: deps.lockTtlMs })) {
        try {
          return await refreshHoldingLock(ref, stale);
        } finally {
          // Only our own lock: after a TTL lapse another instance may hold it now.
          if ((await deps.store.get(lockKey)) === owner) await deps.store.del(lockKey);
        }
      }
      const tokens = deps.usableTokens(await deps.load(ref, true), ref);
      if (tokens.accessToken !== stale && !deps.expiring(tokens)) return bearer(tokens);
      if (now() >= deadline) {
        throw new GatewayError(
          ErrorCode.UPSTREAM_UNAVAILABLE,
          `Timed out after ${deps.lockWaitMs} ms waiting for another instance to refresh the Gong token of '${ref}'`,
          { connectionRef: ref },
        );
      }
      await new Promise((r) => setTimeout(r, deps.lockPollMs));
    }
  };
}
