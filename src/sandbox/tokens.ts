/**
 * Internal to the sandbox: the OAuth state Gong keeps for a tenant (authorization codes, access
 * and refresh tokens). Tokens are opaque random strings, like Gong's; nothing can be read out of
 * them, so every check is a lookup here.
 */
import { randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: unguessable and URL-safe. */
export const opaqueToken = (): string => randomBytes(32).toString('base64url');

/** Authorization codes live 10 minutes, as RFC 6749 §4.1.2 recommends. */
export const CODE_TTL_MS = 10 * 60_000;

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
}

interface AccessGrant {
  clientId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

interface RefreshGrant {
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  /** Absent when a refresh does not rotate the refresh token. */
  refreshToken?: string;
  scopes: string[];
  expiresInSeconds: number;
}

export type AccessLookup =
  | { ok: true; clientId: string; scopes: readonly string[] }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

export type GrantResult = { ok: true; tokens: IssuedTokens } | { ok: false; description: string };

export interface TokenStoreOptions {
  tokenTtlSeconds: number;
  /** Whether a refresh issues a new refresh token and retires the old one. @default true */
  rotateRefreshTokens?: boolean;
  now: () => number;
}

export class TokenStore {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #access = new Map<string, AccessGrant>();
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #opts: Required<TokenStoreOptions>;

  constructor(opts: TokenStoreOptions) {
    this.#opts = { rotateRefreshTokens: true, ...opts };
  }

  issueCode(clientId: string, redirectUri: string, scopes: string[]): string {
    this.#dropExpiredCodes();
    const code = opaqueToken();
    this.#codes.set(code, {
      clientId,
      redirectUri,
      scopes,
      expiresAt: this.#opts.now() + CODE_TTL_MS,
    });
    return code;
  }

  /** Single use: the code is gone after the first attempt by its own client, whatever the outcome. */
  redeemCode(code: string, clientId: string, redirectUri: string | undefined): GrantResult {
    const grant = this.#codes.get(code);
    if (!grant || grant.clientId !== clientId)
      return {
        ok: false,
        description: 'The authorization code is invalid, expired or already used',
      };
    this.#codes.delete(code);
    if (grant.expiresAt <= this.#opts.now())
      return { ok: false, description: 'The authorization code has expired' };
    if (redirectUri !== grant.redirectUri) {
      return {
        ok: false,
        description: `redirect_uri must equal the one sent to /oauth2/authorize (${grant.redirectUri}); got ${redirectUri ?? 'none'}`,
      };
    }
    return { ok: true, tokens: this.#issue(clientId, grant.scopes, true) };
  }

  /** `scopes`, when given, must be a subset of the original grant (RFC 6749 §6). */
  refresh(refreshToken: string, clientId: string, scopes: string[] | undefined): GrantResult {
    const grant = this.#refresh.get(refreshToken);
    if (!grant || grant.clientId !== clientId)
      return { ok: false, description: 'The refresh token is invalid' };
    if (grant.revoked) return { ok: false, description: 'The refresh token has been revoked' };
    const wanted = scopes && scopes.length > 0 ? [...new Set(scopes)] : grant.scopes;
    const extra = wanted.filter((s) => !grant.scopes.includes(s));
    if (extra.length > 0)
      return { ok: false, description: `scope exceeds the original grant: ${extra.join(' ')}` };
    const rotate = this.#opts.rotateRefreshTokens;
    if (rotate) grant.revoked = true;
    // Without rotation the old refresh token keeps the original grant, so it is not narrowed here.
    return { ok: true, tokens: this.#issue(clientId, wanted, rotate) };
  }

  lookupAccess(token: string): AccessLookup {
    const grant = this.#access.get(token);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (grant.expiresAt <= this.#opts.now()) return { ok: false, reason: 'expired' };
    return { ok: true, clientId: grant.clientId, scopes: grant.scopes };
  }

  /** Revoke access and refresh tokens: every client's, or only `clientId`'s. */
  revoke(clientId?: string): void {
    for (const g of [...this.#access.values(), ...this.#refresh.values()]) {
      if (clientId === undefined || g.clientId === clientId) g.revoked = true;
    }
  }

  expireAccessTokens(): void {
    const now = this.#opts.now();
    for (const g of this.#access.values()) g.expiresAt = Math.min(g.expiresAt, now);
  }

  #issue(clientId: string, scopes: string[], withRefresh: boolean): IssuedTokens {
    const ttl = this.#opts.tokenTtlSeconds;
    const accessToken = opaqueToken();
    this.#access.set(accessToken, {
      clientId,
      scopes,
      expiresAt: this.#opts.now() + ttl * 1000,
      revoked: false,
    });
    const tokens: IssuedTokens = { accessToken, scopes, expiresInSeconds: ttl };
    if (withRefresh) {
      tokens.refreshToken = opaqueToken();
      this.#refresh.set(tokens.refreshToken, { clientId, scopes, revoked: false });
    }
    return tokens;
  }

  #dropExpiredCodes(): void {
    const now = this.#opts.now();
    for (const [code, g] of this.#codes) if (g.expiresAt <= now) this.#codes.delete(code);
  }
}
