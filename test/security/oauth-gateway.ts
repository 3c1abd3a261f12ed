/**
 * A real gateway with OAuth over the sandbox (as Gong) for the security suite: client auth by API
 * keys and tenant JWTs, and `connect()` walking the browser's path through Gong's authorize URL
 * and back to the callback.
 */
import type { Gateway } from '../../src/app.js';
import { createConnectionsFeature, type ConnectionsFeature } from '../../src/wiring/connections.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/types.js';
import { startGateway, type GraphQLResult } from '../support/gateway.js';
import { clientJwt } from '../support/client-jwt.js';

export const JWT_SECRET = 'security-jwt-secret-with-at-least-32-chars';
export const SERVER_KEY = 'security-server-key';
export const ADMIN_KEY = 'security-admin-key';
export const RETURN_ORIGIN = 'https://app.example.com';

/** The shared GraphQLResult under the security suites' older name. */
export type GqlResult = GraphQLResult;

export interface OAuthGateway {
  sandbox: Sandbox;
  gateway: Gateway;
  feature: ConnectionsFeature;
  origin: string;
  gql(
    query: string,
    headers: Record<string, string>,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult>;
  startOAuth(input: Record<string, unknown>): Promise<GqlResult>;
  /** start → Gong's authorize → the callback (not followed). */
  connect(ref: string, returnTo?: string): Promise<Response>;
  tenantJwt(conn: string, alg?: 'HS256'): Promise<string>;
  /** Request headers carrying `conn`'s tenant JWT. */
  asTenant(conn: string): Promise<{ authorization: string }>;
  /** Moves the connections' clock (the registry caches a record for 1 s). */
  advance(ms: number): void;
  close(): Promise<void>;
}

export const codeOf = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
export const asKey = (key: string, conn?: string) => ({
  authorization: `Bearer ${key}`,
  ...(conn ? { 'x-gong-connection': conn } : {}),
});

export interface OAuthGatewayOptions {
  /** Config on top of the defaults above. */
  env?: Record<string, string>;
  sandbox?: SandboxOptions;
  /** What the connections feature uses to reach Gong's token endpoint. */
  fetch?: typeof fetch;
}

export async function startOAuthGateway(opts: OAuthGatewayOptions = {}): Promise<OAuthGateway> {
  const logger = silentLogger();
  let offset = 0;
  let feature: ConnectionsFeature | undefined;
  const h = await startGateway({
    sandbox: { users: 5, calls: 10, ...opts.sandbox },
    publicUrl: true,
    env: {
      GATEWAY_API_KEYS: SERVER_KEY,
      GATEWAY_ADMIN_API_KEYS: ADMIN_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      OAUTH_RETURN_ORIGINS: RETURN_ORIGIN,
      ...opts.env,
    },
    deps: (sandbox, config) => {
      feature = createConnectionsFeature(config, {
        sandbox,
        logger,
        store: createMemoryStore(),
        now: () => Date.now() + offset,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      });
      return {
        logger,
        registry: feature.registry,
        services: { connections: feature.services },
        routes: feature.routes,
      };
    },
  });
  if (!feature) throw new Error('the connections feature was not built');
  const { sandbox, gateway } = h;
  const gql = (
    query: string,
    headers: Record<string, string>,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult> => h.gql(query, variables, headers);
  const startOAuth = (input: Record<string, unknown>) =>
    gql(
      'mutation($input: GongStartOAuthInput!) { gongStartOAuth(input: $input) { authorizationUrl state } }',
      asKey(SERVER_KEY),
      { input },
    );
  return {
    sandbox,
    gateway,
    feature,
    origin: new URL(gateway.url).origin,
    gql,
    startOAuth,
    async connect(ref, returnTo) {
      const start = await startOAuth({
        connectionRef: ref,
        ...(returnTo !== undefined ? { returnTo } : {}),
      });
      const url = (start.data?.gongStartOAuth as { authorizationUrl: string } | undefined)
        ?.authorizationUrl;
      if (!url) throw new Error(`gongStartOAuth failed: ${JSON.stringify(start.errors)}`);
      const gong = await fetch(url, { redirect: 'manual' });
      return fetch(new URL(gong.headers.get('location')!), { redirect: 'manual' });
    },
    advance: (ms) => void (offset += ms),
    tenantJwt: (conn) => clientJwt(JWT_SECRET, { conn }),
    asTenant: async (conn) => ({
      authorization: `Bearer ${await clientJwt(JWT_SECRET, { conn })}`,
    }),
    close: h.close,
  };
}
