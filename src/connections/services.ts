/**
 * What the connection resolvers need from the context's `services` bag, under one key, with a
 * guard so a wiring mistake is a clear start-up-time error rather than an `undefined` crash.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import type { OAuthFlow } from '../auth/oauth-flow.js';
import type { ManagedConnectionRegistry } from './registry.js';

export const CONNECTION_SERVICES_KEY = 'connections';

export interface ConnectionServices {
  registry: ManagedConnectionRegistry;
  /** Absent when no Gong OAuth app is configured (GONG_OAUTH_CLIENT_ID/SECRET). */
  oauthFlow?: OAuthFlow;
}

const isConnectionServices = (v: unknown): v is ConnectionServices =>
  typeof v === 'object' && v !== null && typeof (v as { registry?: { get?: unknown } }).registry?.get === 'function';

export function connectionServices(services: Record<string, unknown>): ConnectionServices {
  const s = services[CONNECTION_SERVICES_KEY];
  if (!isConnectionServices(s)) {
    throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, `services.${CONNECTION_SERVICES_KEY} must hold the connection registry; the gateway was wired without it`);
  }
  return s;
}
