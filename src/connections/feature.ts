/**
 * Wires connections, OAuth and the callback route from config, for the composition root:
 * the store (Redis with REDIS_URL, else memory), token crypto, the registry (access-key `default`
 * plus OAuth connections), the OAuth flow and `GET /callbacks/v1/oauth`. Against the embedded
 * sandbox the sandbox's access key and OAuth app are used.
 */
import { createOAuthCallbackHandler } from '../auth/oauth-callback.js';
import { OAUTH_CALLBACK_PATH, createOAuthFlow, type OAuthFlow } from '../auth/oauth-flow.js';
import type { Config } from '../config/config.js';
import type { Route } from '../http/router.js';
import type { Logger } from '../observability/logger.js';
import type { Sandbox } from '../sandbox/types.js';
import { tokenCryptoFromConfig, type TokenCrypto } from '../store/crypto.js';
import { createMemoryStore } from '../store/memory.js';
import { createRedisStore, redisFromConfig, type Redis } from '../store/redis.js';
import type { KeyValueStore } from '../store/types.js';
import { DEFAULT_CONNECTION_REF, createConnectionRegistry, type ManagedConnectionRegistry } from './registry.js';
import { CONNECTION_SERVICES_KEY, type ConnectionServices } from './services.js';
import type { Fetch } from './token-endpoint.js';

export interface ConnectionsFeatureDeps {
  logger: Logger;
  /** The embedded sandbox, when no Gong credentials are configured. */
  sandbox?: Sandbox;
  /** A store to use instead of one built from config (tests, shared with other features). */
  store?: KeyValueStore;
  /** The shared Redis client when REDIS_URL is set; one is created (and closed) otherwise. */
  redis?: Redis;
  crypto?: TokenCrypto;
  fetch?: Fetch;
  now?: () => number;
}

export interface ConnectionsFeature {
  store: KeyValueStore;
  registry: ManagedConnectionRegistry;
  oauthFlow?: OAuthFlow;
  /** Merge into the gateway's `services` bag. */
  services: { [CONNECTION_SERVICES_KEY]: ConnectionServices };
  routes: Route[];
  close(): Promise<void>;
}

export function createConnectionsFeature(config: Config, deps: ConnectionsFeatureDeps): ConnectionsFeature {
  const { sandbox } = deps;
  let ownRedis: Redis | undefined;
  let store = deps.store;
  if (!store) {
    const redis = deps.redis ?? (ownRedis = redisFromConfig(config, { logger: deps.logger, name: 'gong-gateway-connections' }));
    store = redis ? createRedisStore(redis, config.REDIS_KEY_PREFIX) : createMemoryStore(deps.now ? { now: deps.now } : {});
  }
  const crypto = deps.crypto ?? tokenCryptoFromConfig(config);

  const accessKey =
    config.GONG_ACCESS_KEY !== undefined && config.GONG_ACCESS_KEY_SECRET !== undefined
      ? { baseUrl: config.GONG_API_BASE_URL, accessKey: config.GONG_ACCESS_KEY, accessKeySecret: config.GONG_ACCESS_KEY_SECRET }
      : sandbox && { baseUrl: sandbox.url, accessKey: sandbox.accessKey, accessKeySecret: sandbox.accessKeySecret };
  const app =
    config.GONG_OAUTH_CLIENT_ID !== undefined && config.GONG_OAUTH_CLIENT_SECRET !== undefined
      ? { clientId: config.GONG_OAUTH_CLIENT_ID, clientSecret: config.GONG_OAUTH_CLIENT_SECRET, tokenUrl: config.GONG_OAUTH_TOKEN_URL, authorizeUrl: config.GONG_OAUTH_AUTHORIZE_URL }
      : sandbox?.oauth;
  const oauth = app && { clientId: app.clientId, clientSecret: app.clientSecret, tokenUrl: app.tokenUrl };
  const optional = { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.now ? { now: deps.now } : {}) };

  const registry = createConnectionRegistry({
    store,
    crypto,
    ...(accessKey ? { accessKey } : {}),
    ...(oauth ? { oauth } : {}),
    refreshSkewSeconds: config.OAUTH_REFRESH_SKEW_SECONDS,
    defaultBaseUrl: config.GONG_API_BASE_URL,
    logger: deps.logger,
    ...optional,
  });

  const redirectUri = `${config.publicUrl}${OAUTH_CALLBACK_PATH}`;
  const oauthFlow =
    app &&
    createOAuthFlow({
      store,
      clientId: app.clientId,
      authorizeUrl: app.authorizeUrl,
      redirectUri,
      defaultScopes: config.GONG_OAUTH_SCOPES.split(/\s+/).filter((s) => s.length > 0),
      returnOrigins: config.OAUTH_RETURN_ORIGINS,
      stateTtlSeconds: config.OAUTH_STATE_TTL_SECONDS,
      reservedRefs: accessKey ? [DEFAULT_CONNECTION_REF] : [],
      logger: deps.logger,
      ...(deps.now ? { now: deps.now } : {}),
    });

  const routes: Route[] = [];
  if (oauthFlow && oauth) {
    const handler = createOAuthCallbackHandler({ flow: oauthFlow, registry, oauth, redirectUri, logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    routes.push({ path: OAUTH_CALLBACK_PATH, methods: ['GET'], handle: ({ req, res }) => handler(req, res) });
  }

  return {
    store,
    registry,
    ...(oauthFlow ? { oauthFlow } : {}),
    services: { [CONNECTION_SERVICES_KEY]: { registry, ...(oauthFlow ? { oauthFlow } : {}) } },
    routes,
    async close() {
      if (ownRedis) await ownRedis.quit();
    },
  };
}
