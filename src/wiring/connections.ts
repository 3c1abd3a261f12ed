/**
 * Connections, OAuth and the callback route from config: token crypto, the registry (access-key
 * `default` plus OAuth connections), the OAuth flow and `GET /callbacks/v1/oauth`. Against the
 * embedded sandbox the sandbox's access key and OAuth app are used.
 */
import type { Config } from '../config/config.js';
import { createOAuthCallbackHandler } from '../connections/oauth-callback.js';
import { OAUTH_CALLBACK_PATH, createOAuthFlow, type OAuthFlow } from '../connections/oauth-flow.js';
import {
  createConnectionRegistry,
  type ManagedConnectionRegistry,
} from '../connections/registry.js';
import type { ConnectionServices } from '../connections/services.js';
import type { Fetch } from '../connections/token-endpoint.js';
import { DEFAULT_CONNECTION_REF } from '../connections/types.js';
import type { Route } from '../http/router.js';
import type { Logger } from '../observability/logger.js';
import type { Sandbox } from '../sandbox/types.js';
import { tokenCryptoFromConfig, type TokenCrypto } from '../store/crypto.js';
import type { KeyValueStore } from '../store/types.js';

export interface ConnectionsFeatureDeps {
  logger: Logger;
  /** Where connections, tokens and OAuth states live (the gateway's shared store). */
  store: KeyValueStore;
  /** The embedded sandbox, when no Gong credentials are configured. */
  sandbox?: Sandbox | undefined;
  crypto?: TokenCrypto;
  fetch?: Fetch;
  now?: (() => number) | undefined;
}

export interface ConnectionsFeature {
  store: KeyValueStore;
  registry: ManagedConnectionRegistry;
  oauthFlow: OAuthFlow | undefined;
  /** The context's `services.connections`. */
  services: ConnectionServices;
  routes: Route[];
}

export function createConnectionsFeature(
  config: Config,
  deps: ConnectionsFeatureDeps,
): ConnectionsFeature {
  const { sandbox, store } = deps;
  const crypto = deps.crypto ?? tokenCryptoFromConfig(config);

  const accessKey =
    config.GONG_ACCESS_KEY !== undefined && config.GONG_ACCESS_KEY_SECRET !== undefined
      ? {
          baseUrl: config.GONG_API_BASE_URL,
          accessKey: config.GONG_ACCESS_KEY,
          accessKeySecret: config.GONG_ACCESS_KEY_SECRET,
        }
      : sandbox && {
          baseUrl: sandbox.url,
          accessKey: sandbox.accessKey,
          accessKeySecret: sandbox.accessKeySecret,
        };
  const app =
    config.GONG_OAUTH_CLIENT_ID !== undefined && config.GONG_OAUTH_CLIENT_SECRET !== undefined
      ? {
          clientId: config.GONG_OAUTH_CLIENT_ID,
          clientSecret: config.GONG_OAUTH_CLIENT_SECRET,
          tokenUrl: config.GONG_OAUTH_TOKEN_URL,
          authorizeUrl: config.GONG_OAUTH_AUTHORIZE_URL,
        }
      : sandbox?.oauth;
  const oauth = app && {
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    tokenUrl: app.tokenUrl,
  };

  const registry = createConnectionRegistry({
    store,
    crypto,
    accessKey,
    oauth,
    refreshSkewSeconds: config.OAUTH_REFRESH_SKEW_SECONDS,
    defaultBaseUrl: config.GONG_API_BASE_URL,
    logger: deps.logger,
    fetch: deps.fetch,
    now: deps.now,
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
      now: deps.now,
    });

  const routes: Route[] = [];
  if (oauthFlow && oauth) {
    const handler = createOAuthCallbackHandler({
      flow: oauthFlow,
      registry,
      oauth,
      redirectUri,
      logger: deps.logger,
      fetch: deps.fetch,
    });
    routes.push({
      path: OAUTH_CALLBACK_PATH,
      methods: ['GET'],
      handle: ({ req, res }) => handler(req, res),
    });
  }

  return { store, registry, oauthFlow, services: { registry, oauthFlow }, routes };
}
