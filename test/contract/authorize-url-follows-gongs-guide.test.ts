/**
 * The OAuth authorize URL as Gong's "Create an app for Gong" guide writes it: client_id,
 * response_type=code, the scopes space-separated and percent-encoded (%20, not +), redirect_uri,
 * state. Checked on the URL text, not through a URL parser (which reads both spellings alike).
 */
import { describe, expect, it } from 'vitest';
import { createOAuthFlow } from '../../src/connections/oauth-flow.js';
import { createMemoryStore } from '../../src/store/memory.js';

describe('the authorize URL', () => {
  it('joins scopes with %20 and percent-encodes the redirect URI', async () => {
    const flow = createOAuthFlow({
      store: createMemoryStore(),
      clientId: 'abc123',
      authorizeUrl: 'https://app.gong.io/oauth2/authorize',
      redirectUri: 'https://gateway.example.com/callbacks/v1/oauth',
      defaultScopes: ['api:calls:read:basic', 'api:users:read'],
      returnOrigins: [],
      stateTtlSeconds: 600,
    });
    const { authorizationUrl, state } = await flow.start({ connectionRef: 'acme' });
    expect(authorizationUrl).toBe(
      'https://app.gong.io/oauth2/authorize?client_id=abc123&response_type=code' +
        '&scope=api%3Acalls%3Aread%3Abasic%20api%3Ausers%3Aread' +
        '&redirect_uri=https%3A%2F%2Fgateway.example.com%2Fcallbacks%2Fv1%2Foauth' +
        `&state=${state}`,
    );
    expect(authorizationUrl).not.toContain('+');
  });
});
