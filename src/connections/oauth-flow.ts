/**
 * Starting a Gong OAuth connection (gongStartOAuth): validates the request, stores a random
 * single-use state bound to the connectionRef, scopes and returnTo, and builds Gong's authorize
 * URL (docs/gong-contract.md §1: client_id, response_type=code, scope, redirect_uri, state).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { badInput } from '../errors.js';
import { GONG_SCOPES } from '../gong/wire/oauth.js';
import type { Logger } from '../observability/logger.js';
import type { KeyValueStore } from '../store/types.js';
import { assertConnectionRef } from './types.js';
import { omit } from '../util/omit.js';

export const OAUTH_CALLBACK_PATH = '/callbacks/v1/oauth';
const stateKey = (state: string) => `oauth-state:${state}`;

/** What a Gong scope looks like (`api:<area>[:<part>...]`); Gong adds scopes, so shape is checked, not membership. */
const SCOPE_SHAPE = /^api:[a-z0-9-]+(:[a-z0-9-]+)*$/;
/** Names people guess that Gong does not have (gong-api.md: "No scope named api:calls:create:basic exists"). */
const NOT_GONG_SCOPES = new Set(['api:calls:create:basic']);

export interface OAuthFlowOptions {
  store: KeyValueStore;
  clientId: string;
  authorizeUrl: string;
  /** PUBLIC_URL + /callbacks/v1/oauth; must equal what is registered with the Gong app. */
  redirectUri: string;
  /** GONG_OAUTH_SCOPES, used when the input names none. */
  defaultScopes: string[];
  /** OAUTH_RETURN_ORIGINS. */
  returnOrigins: string[];
  stateTtlSeconds: number;
  /** Refs that cannot be connected through OAuth (the access-key `default`). */
  reservedRefs?: string[];
  /** @default Date.now */
  now?: () => number;
  /** Where a scope the gateway does not know is reported (it is still asked for). */
  logger?: Logger;
}

export interface StartOAuthInput {
  connectionRef: string;
  scopes?: string[] | null | undefined;
  returnTo?: string | null | undefined;
}

export interface OAuthStart {
  authorizationUrl: string;
  state: string;
  /** ISO-8601. */
  expiresAt: string;
}

/** What a state was bound to when it was issued. */
export interface PendingOAuth {
  connectionRef: string;
  scopes: string[];
  returnTo?: string;
}

const Pending = z.object({
  connectionRef: z.string(),
  scopes: z.array(z.string()),
  returnTo: z.string().optional(),
  expiresAt: z.number(),
});

export interface OAuthFlow {
  start(input: StartOAuthInput): Promise<OAuthStart>;
  /** Consumes a state: the binding once, then null (also null when unknown or expired). */
  consume(state: string): Promise<PendingOAuth | null>;
  /** Whether a URL may be redirected to after the callback (its origin is allowed). */
  isAllowedReturn(url: string): boolean;
}

function roundTrips(url: string): boolean {
  const href = new URL(url).href;
  // `https://app.example.com` parses to `https://app.example.com/`: the same URL.
  return href === url || href === `${url}/`;
}

/** A state is 32 random bytes, base64url (43 chars); anything else cannot be ours. */
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createOAuthFlow(opts: OAuthFlowOptions): OAuthFlow {
  const now = opts.now ?? Date.now;
  const origins = new Set(opts.returnOrigins.map((o) => new URL(o).origin));
  const reserved = new Set(opts.reservedRefs ?? []);

  function returnOrigin(url: string): string | undefined {
    try {
      const u = new URL(url);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
    } catch {
      return undefined;
    }
  }
  /**
   * Allowed only when the string is what the URL parser makes of it: the parser drops tabs and
   * newlines and turns `\\` into `/`, so a value that does not round-trip would be checked as one
   * URL and written into `Location` as another (or make the header invalid).
   */
  const isAllowedReturn = (url: string) => {
    const o = returnOrigin(url);
    return o !== undefined && origins.has(o) && roundTrips(url);
  };

  return {
    isAllowedReturn,

    async start(input) {
      const ref = assertConnectionRef(input.connectionRef);
      if (reserved.has(ref))
        throw badInput(
          `connectionRef '${ref}' is the access-key connection and cannot be connected through OAuth`,
          { field: 'connectionRef' },
        );
      const scopes = [
        ...new Set(input.scopes && input.scopes.length > 0 ? input.scopes : opts.defaultScopes),
      ];
      const malformed = scopes.filter((s) => !SCOPE_SHAPE.test(s) || NOT_GONG_SCOPES.has(s));
      if (malformed.length > 0)
        throw badInput(
          `Not Gong scope(s): ${malformed.join(', ')}; expected scopes such as api:calls:read:basic`,
          { field: 'scopes' },
        );
      const unknown = scopes.filter((s) => !GONG_SCOPES.includes(s));
      if (unknown.length > 0)
        opts.logger?.warn(
          { connectionRef: ref, scopes: unknown },
          'Asking Gong for scopes this gateway does not know (Gong adds scopes; it decides)',
        );
      if (scopes.length === 0)
        throw badInput('At least one Gong scope is needed (input.scopes or GONG_OAUTH_SCOPES)', {
          field: 'scopes',
        });
      const returnTo = input.returnTo ?? undefined;
      if (returnTo !== undefined && !isAllowedReturn(returnTo)) {
        throw badInput(
          `returnTo must be an http(s) URL, written as the URL parser writes it (no tabs, newlines or backslashes), whose origin is in OAUTH_RETURN_ORIGINS; got ${JSON.stringify(returnTo.slice(0, 80))}`,
          { field: 'returnTo' },
        );
      }

      const state = randomBytes(32).toString('base64url');
      const ttlMs = opts.stateTtlSeconds * 1000;
      const expiresAt = now() + ttlMs;
      const pending = {
        connectionRef: ref,
        scopes,
        ...(returnTo !== undefined ? { returnTo } : {}),
        expiresAt,
      };
      await opts.store.set(stateKey(state), JSON.stringify(pending), { ttlMs });

      // Percent-encoding, as Gong's guide writes the URL: URLSearchParams would join scopes with '+'.
      const url = new URL(opts.authorizeUrl);
      const params = {
        client_id: opts.clientId,
        response_type: 'code',
        scope: scopes.join(' '),
        redirect_uri: opts.redirectUri,
        state,
      };
      url.search = Object.entries(params)
        .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
        .join('&');
      return {
        authorizationUrl: url.toString(),
        state,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    },

    async consume(state) {
      if (!STATE_PATTERN.test(state)) return null;
      const raw = await opts.store.take(stateKey(state));
      if (raw === null) return null;
      const parsed = Pending.safeParse(JSON.parse(raw));
      // The stored expiry is checked too, so an injected clock governs it whatever the store.
      if (!parsed.success || parsed.data.expiresAt <= now()) return null;
      return omit(parsed.data, 'expiresAt');
    },
  };
}
