import { describe, expect, it } from 'vitest';
import { createOAuthFlow } from '../../src/connections/oauth-flow.js';
import { isGatewayError } from '../../src/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMemoryStore } from '../../src/store/memory.js';

function flowWithLog() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: {
      write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>),
    },
  });
  const flow = createOAuthFlow({
    store: createMemoryStore(),
    clientId: 'app',
    authorizeUrl: 'https://app.gong.io/oauth2/authorize',
    redirectUri: 'https://gw.example.com/callbacks/v1/oauth',
    defaultScopes: ['api:users:read'],
    returnOrigins: [],
    stateTtlSeconds: 600,
    logger,
  });
  return { flow, lines };
}

describe('scopes asked for in gongStartOAuth', () => {
  it('asks Gong for a scope the gateway does not know, and logs a warning naming it', async () => {
    const { flow, lines } = flowWithLog();
    const start = await flow.start({
      connectionRef: 'acme',
      scopes: ['api:users:read', 'api:future-insights:read'],
    });
    expect(new URL(start.authorizationUrl).searchParams.get('scope')).toBe(
      'api:users:read api:future-insights:read',
    );
    expect(
      lines.some(
        (l) => l.level === 40 && JSON.stringify(l.scopes) === '["api:future-insights:read"]',
      ),
    ).toBe(true);
  });

  it('asks for the stats, settings and library scopes and api:ai-briefer:read without a warning', async () => {
    const { flow, lines } = flowWithLog();
    const scopes = [
      'api:stats:scorecards',
      'api:stats:user-actions',
      'api:stats:user-actions:detailed',
      'api:stats:interaction',
      'api:settings:scorecards:read',
      'api:settings:trackers:read',
      'api:library:read',
      'api:ai-briefer:read',
    ];
    const start = await flow.start({ connectionRef: 'acme', scopes });
    expect(new URL(start.authorizationUrl).searchParams.get('scope')).toBe(scopes.join(' '));
    expect(lines).toEqual([]);
  });

  it('still refuses what is not a Gong scope at all, and the name Gong does not have', async () => {
    const { flow } = flowWithLog();
    for (const scopes of [['everything'], ['api:calls:create:basic'], ['API:USERS:READ']]) {
      const err = await flow.start({ connectionRef: 'acme', scopes }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isGatewayError(err) && err.code).toBe('BAD_USER_INPUT');
    }
  });
});
