/**
 * Internal to the sandbox: Gong's OAuth 2.0 authorization-code provider (docs/gong-contract.md §1).
 * The server mounts `authorize` at GET /oauth2/authorize and `token` at
 * POST /oauth2/generate-customer-token. There is no login page: every valid request is approved
 * at once, as if a Gong technical administrator had clicked "Allow".
 */
import { GONG_SCOPES } from '../gong/wire.js';
import type { SandboxAuth } from './auth.js';
import type { SandboxReply, SandboxRequest } from './http.js';
import type { IssuedTokens } from './tokens.js';

export interface OAuthRouteDeps {
  auth: SandboxAuth;
  /** The tenant's api_base_url_for_customer, returned with every token. */
  tenantUrl: () => string;
  now: () => number;
}

export interface OAuthRoutes {
  authorize(req: SandboxRequest): SandboxReply;
  token(req: SandboxRequest): SandboxReply;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Without a trustworthy redirect_uri, OAuth errors are shown to the user, never redirected. */
function errorPage(message: string): SandboxReply {
  return {
    status: 400,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><title>Gong authorization error</title><h1>Authorization error</h1><p>${escapeHtml(message)}</p>`,
  };
}

function redirect(to: URL, params: Record<string, string | undefined>): SandboxReply {
  for (const [k, v] of Object.entries(params)) if (v !== undefined) to.searchParams.set(k, v);
  return { status: 302, headers: { location: to.toString(), 'cache-control': 'no-store' } };
}

function absoluteHttpUrl(s: string | null): URL | undefined {
  if (!s) return undefined;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.hash ? u : undefined;
  } catch {
    return undefined;
  }
}

const splitScopes = (s: string) => s.split(/\s+/).filter((p) => p.length > 0);

const oauthError = (status: 400 | 401, error: string, description: string): SandboxReply => ({
  status,
  headers: {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...(status === 401 ? { 'www-authenticate': 'Basic realm="gong"' } : {}),
  },
  body: { error, error_description: description },
});

/**
 * Token-endpoint parameters: Gong's guide puts them in the query string, other clients send a
 * form body; accept either or both, but the same name with two different values is an error.
 */
function tokenParams(req: SandboxRequest): Map<string, string> | string {
  const params = new Map<string, string>();
  const sources = [req.query];
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type === 'application/x-www-form-urlencoded')
    sources.push(new URLSearchParams(req.rawBody.toString('utf8')));
  for (const source of sources) {
    for (const [k, v] of source) {
      const seen = params.get(k);
      if (seen !== undefined && seen !== v)
        return `parameter ${k} was given twice with different values`;
      params.set(k, v);
    }
  }
  return params;
}

export function createOAuthRoutes(deps: OAuthRouteDeps): OAuthRoutes {
  const { auth } = deps;

  function authorize(req: SandboxRequest): SandboxReply {
    if (req.method !== 'GET') return errorPage(`/oauth2/authorize expects GET; got ${req.method}`);
    const q = req.query;
    const clientId = q.get('client_id');
    if (!clientId) return errorPage('client_id is required');
    if (!auth.hasClient(clientId))
      return errorPage(`Unknown client_id '${clientId}': no app with this id is registered`);
    const redirectUri = q.get('redirect_uri');
    const target = absoluteHttpUrl(redirectUri);
    if (!target || !redirectUri) {
      return errorPage(
        `redirect_uri must be an absolute http(s) URL without a fragment; got '${redirectUri ?? ''}'`,
      );
    }
    const state = q.get('state') ?? undefined;
    const fail = (error: string, description: string) =>
      redirect(target, { error, error_description: description, state });

    const responseType = q.get('response_type');
    if (responseType !== 'code') {
      return fail(
        'unsupported_response_type',
        `response_type must be 'code'; got '${responseType ?? ''}'`,
      );
    }
    const scopes = splitScopes(q.get('scope') ?? '');
    if (scopes.length === 0)
      return fail('invalid_scope', 'scope is required: a space-separated list of Gong API scopes');
    const unknown = scopes.filter((s) => !GONG_SCOPES.includes(s));
    if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(' ')}`);

    const code = auth.tokens.issueCode(clientId, redirectUri, [...new Set(scopes)]);
    return redirect(target, { code, state });
  }

  function tokenReply(t: IssuedTokens): SandboxReply {
    return {
      status: 200,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
      body: {
        access_token: t.accessToken,
        ...(t.refreshToken !== undefined ? { refresh_token: t.refreshToken } : {}),
        scope: t.scopes.join(' '),
        token_type: 'bearer',
        expires_in: t.expiresInSeconds,
        api_base_url_for_customer: deps.tenantUrl(),
      },
    };
  }

  function token(req: SandboxRequest): SandboxReply {
    if (req.method !== 'POST')
      return oauthError(
        400,
        'invalid_request',
        `/oauth2/generate-customer-token expects POST; got ${req.method}`,
      );
    const clientId = auth.authenticateClient(req.headers.authorization);
    if (!clientId) {
      return oauthError(
        401,
        'invalid_client',
        'Client authentication failed: send Authorization: Basic base64(client_id:client_secret)',
      );
    }
    const params = tokenParams(req);
    if (typeof params === 'string') return oauthError(400, 'invalid_request', params);
    const given = params.get('client_id');
    if (given !== undefined && given !== clientId) {
      return oauthError(
        400,
        'invalid_request',
        `client_id '${given}' does not match the authenticated client '${clientId}'`,
      );
    }

    const grantType = params.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = params.get('code');
      if (!code)
        return oauthError(
          400,
          'invalid_request',
          'code is required for grant_type=authorization_code',
        );
      const result = auth.tokens.redeemCode(code, clientId, params.get('redirect_uri'));
      return result.ok
        ? tokenReply(result.tokens)
        : oauthError(400, 'invalid_grant', result.description);
    }
    if (grantType === 'refresh_token') {
      const refreshToken = params.get('refresh_token');
      if (!refreshToken)
        return oauthError(
          400,
          'invalid_request',
          'refresh_token is required for grant_type=refresh_token',
        );
      const scope = params.get('scope');
      const result = auth.tokens.refresh(
        refreshToken,
        clientId,
        scope === undefined ? undefined : splitScopes(scope),
      );
      return result.ok
        ? tokenReply(result.tokens)
        : oauthError(400, 'invalid_grant', result.description);
    }
    if (grantType === undefined)
      return oauthError(400, 'invalid_request', 'grant_type is required');
    return oauthError(
      400,
      'unsupported_grant_type',
      `grant_type must be authorization_code or refresh_token; got '${grantType}'`,
    );
  }

  return { authorize, token };
}
