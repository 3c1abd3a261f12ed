/**
 * Writes: the idempotent create-call service (the context's `services.writes`, its records in the
 * shared store so every instance sees them), `PUT /calls/{callId}/media` and `/proxy/v2/...`.
 */
import type { AuthenticateRequest } from '../graphql/context.js';
import type { GongClients } from '../gong/clients.js';
import { mediaRoute } from '../http/media-route.js';
import { proxyRoute } from '../http/proxy-route.js';
import type { BodyDeadlines } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { Logger } from '../observability/logger.js';
import type { KeyValueStore } from '../store/types.js';
import { createCallService, type CreateCallService } from '../call-creation/create-call.js';

export interface WritesFeatureDeps {
  clients: GongClients;
  /** The same client authentication as GraphQL. */
  authenticate: AuthenticateRequest;
  store: KeyValueStore;
  logger: Logger;
  /** A call was created through gongCreateCall (the calls sync reads it by id). */
  onCallCreated: (input: {
    connectionRef: string;
    callId: string;
    started: string;
  }) => Promise<void>;
  /** HTTP_BODY_IDLE_MS / HTTP_BODY_DEADLINE_MS for proxy bodies read whole. */
  bodyDeadlines?: BodyDeadlines;
}

export interface WritesFeature {
  /** The context's `services.writes`. */
  services: CreateCallService;
  routes: Route[];
}

export function createWritesFeature(deps: WritesFeatureDeps): WritesFeature {
  const routeDeps = {
    authenticate: deps.authenticate,
    transport: (ref: string) => deps.clients.transport(ref),
    logger: deps.logger,
    bodyDeadlines: deps.bodyDeadlines,
  };
  return {
    services: createCallService({
      store: deps.store,
      client: (ref) => deps.clients.client(ref),
      onCreated: deps.onCallCreated,
    }),
    routes: [proxyRoute(routeDeps), mediaRoute(routeDeps)],
  };
}
