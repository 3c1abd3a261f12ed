/**
 * GET /callbacks/v1/oauth: where Gong sends the approving admin back. Unknown, expired or replayed
 * states and provider errors get a 400 page; a code Gong refuses gets 400, an unreachable token
 * endpoint 502; none of them stores anything. On success the tokens are stored (sealed) with the
 * scopes and api_base_url_for_customer, then the browser goes to returnTo when its origin is
 * allowed (no open redirect), else sees a plain success page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isGatewayError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { ManagedConnectionRegistry } from './registry.js';
import { requestToken, type Fetch, type OAuthClientCredentials } from './token-endpoint.js';
import type { OAuthFlow } from './oauth-flow.js';

export interface OAuthCallbackOptions {
  flow: OAuthFlow;
  registry: ManagedConnectionRegistry;
  oauth: OAuthClientCredentials;
  /** Must equal the redirect_uri sent to the authorize URL. */
  redirectUri: string;
  logger: Logger;
  fetch?: Fetch;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  // The URL carries a code; never leak it to another origin through Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
};

function page(res: ServerResponse, status: number, title: string, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
  );
}

export function createOAuthCallbackHandler(
  opts: OAuthCallbackOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const log = opts.logger;
  return async function oauthCallback(req, res) {
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return page(
        res,
        405,
        'Method not allowed',
        `The OAuth callback expects GET; got ${req.method ?? ''}`,
      );
    }
    const q = new URL(req.url ?? '/', 'http://callback.invalid').searchParams;
    const state = q.get('state');
    if (!state)
      return page(
        res,
        400,
        'Connection failed',
        'The callback has no state parameter; start the connection again.',
      );
    // Consumed before anything else: a state works once, whatever the outcome.
    const pending = await opts.flow.consume(state);
    if (!pending)
      return page(
        res,
        400,
        'Connection failed',
        'This authorization link is unknown, expired or already used; start the connection again.',
      );

    const ref = pending.connectionRef;
    const providerError = q.get('error');
    if (providerError !== null) {
      log.info({ connectionRef: ref, error: providerError }, 'Gong OAuth authorization declined');
      const why = q.get('error_description');
      return page(
        res,
        400,
        'Connection declined',
        `Gong answered ${providerError}${why ? `: ${why}` : ''}.`,
      );
    }
    const code = q.get('code');
    if (!code)
      return page(
        res,
        400,
        'Connection failed',
        'The callback has no code parameter; start the connection again.',
      );

    const result = await requestToken(
      opts.oauth,
      {
        grant_type: 'authorization_code',
        code,
        client_id: opts.oauth.clientId,
        redirect_uri: opts.redirectUri,
      },
      opts.fetch ? { fetch: opts.fetch } : {},
    );
    if (!result.ok) {
      log.warn(
        { connectionRef: ref, kind: result.kind, status: result.status },
        'Gong OAuth code exchange failed',
      );
      return result.kind === 'rejected'
        ? page(
            res,
            400,
            'Connection failed',
            `Gong refused the authorization code (${result.error}); start the connection again.`,
          )
        : page(
            res,
            502,
            'Connection failed',
            "Gong's token endpoint could not be reached; try again in a moment.",
          );
    }
    try {
      await opts.registry.saveOAuthConnection(ref, result.tokens, {
        requestedScopes: pending.scopes,
      });
    } catch (e) {
      log.error(
        { connectionRef: ref, err: isGatewayError(e) ? e.message : String(e) },
        'storing a Gong OAuth connection failed',
      );
      return page(
        res,
        502,
        'Connection failed',
        'The tokens Gong returned could not be stored; try again.',
      );
    }
    log.info({ connectionRef: ref }, 'Gong OAuth connection established');

    // Checked again here: OAUTH_RETURN_ORIGINS may have changed since the state was issued.
    if (pending.returnTo !== undefined && opts.flow.isAllowedReturn(pending.returnTo)) {
      try {
        res.writeHead(302, { ...SECURITY_HEADERS, location: new URL(pending.returnTo).href });
        res.end();
        return;
      } catch (e) {
        // The tokens are stored: whatever is wrong with returnTo, this is a success page, never a 500.
        log.warn(
          { connectionRef: ref, err: e instanceof Error ? e.message : String(e) },
          'returnTo could not be written into Location; showing the success page',
        );
      }
    }
    return page(
      res,
      200,
      'Gong connected',
      `Connection '${ref}' is ready. You can close this window.`,
    );
  };
}
