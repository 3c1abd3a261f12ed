/**
 * Test harness: the real sandbox (Gong OAuth provider + tenant listener), a store, a registry,
 * the OAuth flow and the real callback handler on a loopback HTTP server. `connect()` walks the
 * browser's path: start → Gong's authorize URL (redirect not followed) → our callback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOAuthCallbackHandler } from '../../src/connections/oauth-callback.js';
import {
  OAUTH_CALLBACK_PATH,
  createOAuthFlow,
  type OAuthFlow,
} from '../../src/connections/oauth-flow.js';
import {
  createConnectionRegistry,
  type ConnectionRegistryOptions,
  type ManagedConnectionRegistry,
} from '../../src/connections/registry.js';
import type { TokenResponse } from '../../src/gong/wire.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createTokenCrypto, type TokenCrypto } from '../../src/store/crypto.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { KeyValueStore } from '../../src/store/types.js';
import { randomBytes } from 'node:crypto';

export interface Harness {
  sandbox: Sandbox;
  store: KeyValueStore;
  crypto: TokenCrypto;
  registry: ManagedConnectionRegistry;
  flow: OAuthFlow;
  callbackUrl: string;
  /** Every token response the gateway received, in order (to look for plaintext later). */
  tokenResponses: TokenResponse[];
  /**
   * Every request sent to Gong's token endpoint (grant type, params, status), seen at the fetch
   * edge with its secret parameters. The sandbox's request log counts them too, redacted.
   */
  tokenRequests: {
    grantType: string | null;
    query: Record<string, string>;
    auth: string;
    status: number;
  }[];
  /** start → authorize → callback; returns the callback's response (redirects not followed). */
  connect(ref: string, opts?: { returnTo?: string; scopes?: string[] }): Promise<Response>;
  /** The code+state Gong redirects back with, without calling the callback. */
  authorize(ref: string, opts?: { returnTo?: string; scopes?: string[] }): Promise<URL>;
  /** Fresh registry on the same store (another gateway instance). */
  anotherInstance(extra?: Partial<ConnectionRegistryOptions>): ManagedConnectionRegistry;
  close(): Promise<void>;
}

export interface HarnessOptions {
  store?: KeyValueStore;
  crypto?: TokenCrypto;
  now?: () => number;
  returnOrigins?: string[];
  registry?: Partial<ConnectionRegistryOptions>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ calls: 20, users: 5, rateLimit: false });
  const store = opts.store ?? createMemoryStore(opts.now ? { now: opts.now } : {});
  const crypto = opts.crypto ?? createTokenCrypto({ key: randomBytes(32) });
  const tokenResponses: TokenResponse[] = [];
  const tokenRequests: Harness['tokenRequests'] = [];
  // Records what was sent to and answered by Gong's token endpoint; the request itself is untouched.
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const auth =
      String(new Headers(init?.headers).get('authorization') ?? '')
        .split(' ')[0]
        ?.toLowerCase() ?? '';
    const res = await fetch(input, init);
    tokenRequests.push({
      grantType: url.searchParams.get('grant_type'),
      query: Object.fromEntries(url.searchParams),
      auth,
      status: res.status,
    });
    if (res.ok) tokenResponses.push((await res.clone().json()) as TokenResponse);
    return res;
  };
  const oauth = {
    clientId: sandbox.oauth.clientId,
    clientSecret: sandbox.oauth.clientSecret,
    tokenUrl: sandbox.oauth.tokenUrl,
  };
  const makeRegistry = (extra: Partial<ConnectionRegistryOptions> = {}) =>
    createConnectionRegistry({
      store,
      crypto,
      oauth,
      accessKey: {
        baseUrl: sandbox.url,
        accessKey: sandbox.accessKey,
        accessKeySecret: sandbox.accessKeySecret,
      },
      refreshSkewSeconds: 60,
      logger: silentLogger(),
      fetch: recordingFetch,
      lockPollMs: 10,
      ...(opts.now ? { now: opts.now } : {}),
      ...opts.registry,
      ...extra,
    });
  const registry = makeRegistry();

  // The callback handler needs the server's URL; it is made once the server listens, before any
  // authorization is started, so no callback can arrive before it exists.
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith(OAUTH_CALLBACK_PATH)) void handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${publicUrl}${OAUTH_CALLBACK_PATH}`;
  const flow = createOAuthFlow({
    store,
    clientId: sandbox.oauth.clientId,
    authorizeUrl: sandbox.oauth.authorizeUrl,
    redirectUri,
    defaultScopes: ['api:users:read', 'api:calls:read:basic'],
    returnOrigins: opts.returnOrigins ?? ['https://app.example.com'],
    stateTtlSeconds: 600,
    reservedRefs: ['default'],
    ...(opts.now ? { now: opts.now } : {}),
  });
  const handler = createOAuthCallbackHandler({
    flow,
    registry,
    oauth,
    redirectUri,
    logger: silentLogger(),
    fetch: recordingFetch,
  });

  const authorize = async (ref: string, o: { returnTo?: string; scopes?: string[] } = {}) => {
    const start = await flow.start({ connectionRef: ref, ...o });
    const res = await fetch(start.authorizationUrl, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location)
      throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
    return new URL(location);
  };

  return {
    sandbox,
    store,
    crypto,
    registry,
    flow,
    callbackUrl: redirectUri,
    tokenResponses,
    tokenRequests,
    authorize,
    async connect(ref, o = {}) {
      const back = await authorize(ref, o);
      return fetch(back, { redirect: 'manual' });
    },
    anotherInstance: makeRegistry,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await sandbox.close();
    },
  };
}
