/**
 * Wires issue 7 for the composition root: the idempotent create-call service (for
 * `gongCreateCall`, in the `services` bag under `writes`), `PUT /calls/{callId}/media` and
 * `/proxy/v2/...`. The create records live in the gateway's KeyValueStore (Redis with
 * REDIS_URL, so every instance sees them).
 */
import type { Authenticate } from '../context.js';
import type { GongClients } from '../gong/clients.js';
import { mediaRoute } from '../http/media-route.js';
import { proxyRoute } from '../http/proxy-route.js';
import type { Route } from '../http/router.js';
import type { Logger } from '../observability/logger.js';
import { createMemoryStore } from '../store/memory.js';
import type { KeyValueStore } from '../store/types.js';
import { WRITE_SERVICES_KEY, createCallService, type CreateCallService } from './create-call.js';

export interface WritesFeatureDeps {
  clients: GongClients;
  /** The same client authentication as GraphQL. */
  authenticate: Authenticate;
  /** The gateway's store; default: in memory (one instance). */
  store?: KeyValueStore;
  logger?: Logger;
  /** A call was created through gongCreateCall (the calls sync reads it by id). */
  onCallCreated?: (input: { connectionRef: string; callId: string; started: string }) => Promise<void>;
}

export interface WritesFeature {
  /** Merge into the gateway's `services` bag. */
  services: { [WRITE_SERVICES_KEY]: CreateCallService };
  routes: Route[];
}

export function createWritesFeature(deps: WritesFeatureDeps): WritesFeature {
  const store = deps.store ?? createMemoryStore();
  const routeDeps = { authenticate: deps.authenticate, transport: (ref: string) => deps.clients.transport(ref), ...(deps.logger ? { logger: deps.logger } : {}) };
  return {
    services: { [WRITE_SERVICES_KEY]: createCallService({ store, client: (ref) => deps.clients.client(ref), ...(deps.onCallCreated ? { onCreated: deps.onCallCreated } : {}) }) },
    routes: [proxyRoute(routeDeps), mediaRoute(routeDeps)],
  };
}
