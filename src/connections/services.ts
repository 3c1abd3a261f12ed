/**
 * What the connection admin resolvers need (the context's `services.connections`). It is absent
 * when an embedder brings its own registry without admin: the admin fields then say so.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import type { OAuthFlow } from './oauth-flow.js';
import type { ManagedConnectionRegistry } from './registry.js';

export interface ConnectionServices {
  registry: ManagedConnectionRegistry;
  /** Absent when no Gong OAuth app is configured (GONG_OAUTH_CLIENT_ID/SECRET). */
  oauthFlow?: OAuthFlow;
}

export function connectionServices(services: ConnectionServices | undefined): ConnectionServices {
  if (!services)
    throw new GatewayError(
      ErrorCode.INTERNAL_SERVER_ERROR,
      'This gateway was built with its own connection registry and no connection admin (GatewayDeps.services.connections)',
    );
  return services;
}
