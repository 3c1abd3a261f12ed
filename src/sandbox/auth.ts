/**
 * Internal to the sandbox: who may call the simulated Gong API (docs/gong-contract.md §1).
 * - Basic `base64(accessKey:accessKeySecret)` works on both listeners and is never scope-checked.
 * - Bearer tokens from the OAuth provider work only on the tenant listener
 *   (api_base_url_for_customer) and must hold every scope the endpoint requires.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { missingScope } from './gong-answers.js';
import { TokenStore } from './tokens.js';

export interface SandboxAuthOptions {
  accessKey: string;
  accessKeySecret: string;
  /** OAuth apps registered with the tenant. */
  clients: { clientId: string; clientSecret: string }[];
  tokenTtlSeconds: number;
  now: () => number;
  /**
   * Whether a refresh grant returns a new refresh token and retires the old one. Gong's real
   * behaviour is uncertain (docs/gong-contract.md §1), so tests can run either way. @default true
   */
  rotateRefreshTokens?: boolean;
}

export type AuthCheck =
  { ok: true; kind: 'basic' | 'bearer' } | { ok: false; status: 401; message: string };

/** Compare secrets in constant time (hashing first makes the lengths equal). */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** `Basic base64(user:password)` → [user, password], or undefined when it is not that shape. */
export function parseBasic(authorization: string | undefined): [string, string] | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

const deny = (status: 401, message: string): AuthCheck => ({ ok: false, status, message });

export class SandboxAuth {
  /** Codes and tokens; the OAuth routes issue through it. */
  readonly tokens: TokenStore;
  readonly #opts: SandboxAuthOptions;

  constructor(opts: SandboxAuthOptions) {
    this.#opts = opts;
    this.tokens = new TokenStore({
      tokenTtlSeconds: opts.tokenTtlSeconds,
      now: opts.now,
      rotateRefreshTokens: opts.rotateRefreshTokens ?? true,
    });
  }

  /** Basic: both listeners, no scope check. Bearer: only on the 'tenant' listener, unexpired, unrevoked, and holding every required scope (Gong's 401 naming the missing scope). */
  check(
    authorization: string | undefined,
    listener: 'api' | 'tenant',
    requiredScopes: readonly string[],
  ): AuthCheck {
    if (!authorization)
      return deny(
        401,
        'Authorization header is missing: send Basic access key credentials or a Bearer token',
      );
    const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
    const credential = rest.join(' ');
    switch (scheme.toLowerCase()) {
      case 'basic':
        return this.#checkBasic(authorization);
      case 'bearer':
        return this.#checkBearer(credential, listener, requiredScopes);
      default:
        return deny(401, `Unsupported authorization scheme '${scheme}': expected Basic or Bearer`);
    }
  }

  /** Is this a registered OAuth client id? */
  hasClient(clientId: string): boolean {
    return this.#opts.clients.some((c) => c.clientId === clientId);
  }

  /** The client id authenticated by `Basic base64(client_id:client_secret)`, or undefined. */
  authenticateClient(authorization: string | undefined): string | undefined {
    const creds = parseBasic(authorization);
    if (!creds) return undefined;
    const [id, secret] = creds;
    const client = this.#opts.clients.find((c) => c.clientId === id);
    return client && sameSecret(client.clientSecret, secret) ? client.clientId : undefined;
  }

  revokeTokens(clientId?: string): void {
    this.tokens.revoke(clientId);
  }

  expireAccessTokens(): void {
    this.tokens.expireAccessTokens();
  }

  #checkBasic(authorization: string): AuthCheck {
    const creds = parseBasic(authorization);
    if (!creds)
      return deny(401, 'Malformed Basic authorization: expected base64(accessKey:accessKeySecret)');
    const [key, secret] = creds;
    const ok =
      sameSecret(key, this.#opts.accessKey) && sameSecret(secret, this.#opts.accessKeySecret);
    return ok ? { ok: true, kind: 'basic' } : deny(401, 'Invalid access key or access key secret');
  }

  #checkBearer(
    token: string,
    listener: 'api' | 'tenant',
    requiredScopes: readonly string[],
  ): AuthCheck {
    if (!token) return deny(401, 'Bearer token is missing');
    // What amp-labs saw when a token went to the wrong host: Gong answers "revoked", not "wrong host".
    if (listener !== 'tenant') return deny(401, 'access token has been revoked');
    const found = this.tokens.lookupAccess(token);
    if (!found.ok) {
      const why = {
        unknown: 'access token is invalid',
        expired: 'access token has expired',
        revoked: 'access token has been revoked',
      };
      return deny(401, why[found.reason]);
    }
    const missing = requiredScopes.filter((s) => !found.scopes.includes(s));
    // Real Gong answers a missing scope with 401 (not 403) and names one scope (docs/gong-contract.md).
    if (missing[0] !== undefined) return deny(401, missingScope(missing[0]));
    return { ok: true, kind: 'bearer' };
  }
}
