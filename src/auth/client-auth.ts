/**
 * Client authentication for every route (GraphQL over HTTP and WebSocket, proxy, media, admin
 * fields). Two credentials, both as `Authorization: Bearer <credential>`, never from a query string:
 * - server-to-server API keys (GATEWAY_API_KEYS): may pick any connection with `x-gong-connection`;
 * - connection-scoped JWTs (HS256, GATEWAY_JWT_SECRET, claims `conn` and `exp`) for browsers and
 *   subscription clients: only their own connection, FORBIDDEN otherwise.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { ConfigError, type Config } from '../config/config.js';
import { forbidden, unauthenticated } from '../errors.js';
import {
  CONNECTION_REF_PATTERN,
  DEFAULT_CONNECTION_REF,
  assertConnectionRef,
} from '../connections/types.js';

export interface Principal {
  kind: 'api-key' | 'jwt' | 'open';
  /** May use admin fields (gongConnections, gongWebhookDeadLetters, gongSetWebhookPublicKey). */
  admin: boolean;
  /** The connection this request works on. */
  connectionRef: string;
  /** JWT `sub`, or a non-reversible tag of the API key, for logs. */
  subject?: string;
  /** When the credential stops being valid (JWT `exp`, ms); a WebSocket closes then. */
  expiresAt?: number;
}

export interface Credentials {
  /** The raw Authorization header (or WebSocket `connection_init` `authorization` param). */
  authorization?: string | undefined;
  /** The `x-gong-connection` header. */
  connectionHeader?: string | undefined;
}

export type AuthMode = 'open' | 'required';

export interface AuthenticatorOptions {
  apiKeys: string[];
  /** Keys that are also admin; empty = every API key is admin. */
  adminApiKeys: string[];
  jwtSecret?: string | undefined;
  mode: AuthMode;
}

/** Turns the credentials of one request into its principal (or rejects with UNAUTHENTICATED / FORBIDDEN). */
export type AuthenticateCredentials = (creds: Credentials) => Promise<Principal>;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time membership: every key is compared, whatever matches. */
function matchesAny(candidate: Buffer, keys: Buffer[]): boolean {
  let found = false;
  for (const k of keys) found = timingSafeEqual(candidate, k) || found;
  return found;
}

function jwtFailure(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed)
    return `claim ${e.claim} is ${e.reason === 'missing' ? 'missing' : 'invalid'}`;
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'only HS256 tokens are accepted';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the signature does not verify';
  return 'it is not a valid JWT';
}

export function createAuthenticator(opts: AuthenticatorOptions): AuthenticateCredentials {
  const apiKeys = [...new Set([...opts.apiKeys, ...opts.adminApiKeys])].map(digest);
  const adminKeys = (opts.adminApiKeys.length > 0 ? opts.adminApiKeys : opts.apiKeys).map(digest);
  const secret =
    opts.jwtSecret !== undefined ? new TextEncoder().encode(opts.jwtSecret) : undefined;

  return async function authenticate(creds) {
    const header = creds.connectionHeader?.trim();
    const asked = header === undefined || header === '' ? undefined : assertConnectionRef(header);

    if (opts.mode === 'open')
      return { kind: 'open', admin: true, connectionRef: asked ?? DEFAULT_CONNECTION_REF };

    const m = /^Bearer\s+(\S+)\s*$/i.exec(creds.authorization ?? '');
    if (!m?.[1]) {
      throw unauthenticated(
        creds.authorization
          ? 'Authorization must be `Bearer <API key or JWT>`'
          : 'Authentication required: send Authorization: Bearer <API key or JWT>',
      );
    }
    const token = m[1];
    const d = digest(token);
    if (matchesAny(d, apiKeys)) {
      return {
        kind: 'api-key',
        admin: matchesAny(d, adminKeys),
        connectionRef: asked ?? DEFAULT_CONNECTION_REF,
        subject: `key:${d.toString('hex').slice(0, 8)}`,
      };
    }
    if (secret === undefined || token.split('.').length !== 3)
      throw unauthenticated('Unknown API key');

    let conn: unknown;
    let sub: unknown;
    let exp: number | undefined;
    try {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'conn'],
      });
      conn = payload.conn;
      sub = payload.sub;
      exp = payload.exp;
    } catch (e) {
      throw unauthenticated(`Invalid JWT: ${jwtFailure(e)}`);
    }
    if (typeof conn !== 'string' || !CONNECTION_REF_PATTERN.test(conn))
      throw unauthenticated('Invalid JWT: claim conn must be a connectionRef string');
    if (asked !== undefined && asked !== conn) {
      throw forbidden(
        `This token is scoped to connection '${conn}' and cannot use connection '${asked}'`,
        { connectionRef: asked },
      );
    }
    return {
      kind: 'jwt',
      admin: false,
      connectionRef: conn,
      ...(typeof sub === 'string' ? { subject: sub } : {}),
      ...(exp !== undefined ? { expiresAt: exp * 1000 } : {}),
    };
  };
}

export function assertAdmin(p: Pick<Principal, 'admin'>): void {
  if (!p.admin) throw forbidden('This field needs an admin API key (GATEWAY_ADMIN_API_KEYS)');
}

/** API keys (and open mode) may use any connection; a JWT only its own. */
export function assertConnectionAccess(
  p: { kind: string; connectionRef: string },
  ref: string,
): void {
  if (p.kind === 'jwt' && p.connectionRef !== ref) {
    throw forbidden(
      `This token is scoped to connection '${p.connectionRef}' and cannot use connection '${ref}'`,
      { connectionRef: ref },
    );
  }
}

/**
 * Start-up policy: with API keys or a JWT secret, auth is required. Without them the gateway is
 * open only against the embedded sandbox, or against real Gong with an explicit GATEWAY_AUTH=none.
 */
export function resolveAuthMode(
  c: Pick<
    Config,
    'GATEWAY_AUTH' | 'GATEWAY_API_KEYS' | 'GATEWAY_ADMIN_API_KEYS' | 'GATEWAY_JWT_SECRET'
  >,
  env: { embeddedSandbox: boolean },
): AuthMode {
  const configured =
    c.GATEWAY_API_KEYS.length > 0 ||
    c.GATEWAY_ADMIN_API_KEYS.length > 0 ||
    c.GATEWAY_JWT_SECRET !== undefined;
  if (configured) return 'required';
  if (env.embeddedSandbox || c.GATEWAY_AUTH === 'none') return 'open';
  throw new ConfigError(
    'GATEWAY_API_KEYS / GATEWAY_JWT_SECRET: no client auth is configured and the gateway would serve real Gong data to anyone; set one of them, or GATEWAY_AUTH=none to run open on purpose',
  );
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Credentials from HTTP request headers (never from the query string). */
export function credentialsFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): Credentials {
  return {
    authorization: first(headers.authorization),
    connectionHeader: first(headers['x-gong-connection']),
  };
}

/** Credentials from graphql-ws `connection_init` params: `authorization` and `x-gong-connection`. */
export function credentialsFromConnectionParams(params: unknown): Credentials {
  if (typeof params !== 'object' || params === null) return {};
  const p = params as Record<string, unknown>;
  const str = (...keys: string[]) => {
    for (const k of keys) if (typeof p[k] === 'string') return p[k];
    return undefined;
  };
  return {
    authorization: str('authorization', 'Authorization'),
    connectionHeader: str('x-gong-connection', 'connectionRef'),
  };
}

/**
 * Adapts an authenticator to the context's `authenticate(request)` step: graphql-ws
 * `connection_init` params win over the upgrade request's headers (browsers cannot set headers
 * on a WebSocket); plain HTTP uses its headers.
 */
export function authenticateRequest(authenticate: AuthenticateCredentials) {
  return (request: {
    headers: Record<string, string | string[] | undefined>;
    connectionParams?: Readonly<Record<string, unknown>> | undefined;
  }): Promise<Principal> => {
    const fromHeaders = credentialsFromHeaders(request.headers);
    const fromParams = credentialsFromConnectionParams(request.connectionParams);
    return authenticate({
      authorization: fromParams.authorization ?? fromHeaders.authorization,
      connectionHeader: fromParams.connectionHeader ?? fromHeaders.connectionHeader,
    });
  };
}

/**
 * The authenticator from config, with the start-up policy applied and announced: an open
 * gateway says so in the log (and refuses to start against real Gong unless GATEWAY_AUTH=none).
 */
export function authenticatorFromConfig(
  c: Pick<
    Config,
    'GATEWAY_AUTH' | 'GATEWAY_API_KEYS' | 'GATEWAY_ADMIN_API_KEYS' | 'GATEWAY_JWT_SECRET'
  >,
  env: { embeddedSandbox: boolean; logger: { warn(msg: string): void; info(msg: string): void } },
): AuthenticateCredentials {
  const mode = resolveAuthMode(c, env);
  if (mode === 'open') {
    env.logger.warn(
      env.embeddedSandbox
        ? 'Client auth is OFF: serving the embedded Gong sandbox to anyone. Set GATEWAY_API_KEYS or GATEWAY_JWT_SECRET before pointing at real Gong.'
        : 'Client auth is OFF (GATEWAY_AUTH=none): anyone who reaches this gateway can read and write your Gong data.',
    );
  } else {
    env.logger.info(
      `Client auth required: ${c.GATEWAY_API_KEYS.length + c.GATEWAY_ADMIN_API_KEYS.length} API key(s)${c.GATEWAY_JWT_SECRET !== undefined ? ', connection JWTs' : ''}`,
    );
  }
  return createAuthenticator({
    apiKeys: c.GATEWAY_API_KEYS,
    adminApiKeys: c.GATEWAY_ADMIN_API_KEYS,
    jwtSecret: c.GATEWAY_JWT_SECRET,
    mode,
  });
}
