/**
 * Calls that change after processing: the change index fed by the call observer (every record any
 * path receives, and webhooks' callData), the publisher of `call.changed` events, the reconciler
 * that sweeps connections in use, the activity that says which are, and the standings the privacy
 * rule checks. The index store comes from the shared state (Redis or memory).
 */
import type { EntityCache } from '../cache/entity-cache.js';
import type { Config } from '../config/config.js';
import type { EventLog } from '../events/event-log.js';
import type { CallObserver } from '../gong/call-observer.js';
import type { GongClients } from '../gong/clients.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createActivity, type Activity } from '../reconcile/activity.js';
import { createCallIndex, type CallIndex } from '../reconcile/call-index.js';
import { createFeeder, createPublisher, type Feeder } from '../reconcile/feed.js';
import type { IndexStore } from '../reconcile/index-store.js';
import { createReconciler, type Reconciler } from '../reconcile/reconciler.js';
import type { CallChangeServices } from '../reconcile/services.js';
import { createStandings } from '../reconcile/standings.js';

export interface ReconcileFeature {
  reconciler: Reconciler;
  index: CallIndex;
  feeder: Feeder;
  activity: Activity;
  /** The context's `services.calls`. */
  services: CallChangeServices;
  close(): Promise<void>;
}

export function createReconcileFeature(
  config: Config,
  deps: {
    store: IndexStore;
    observer: CallObserver;
    clients: GongClients;
    log: EventLog;
    entities: EntityCache | undefined;
    now: () => number;
    logger: Logger;
    metrics: Metrics;
    /** A call new to the gateway (the sync state learns it). */
    onCreated?: (ref: string, callId: string, started: string | null | undefined) => Promise<void>;
  },
): ReconcileFeature {
  const { now, store } = deps;
  const windowMs = config.RECONCILE_WINDOW_DAYS * 86_400_000;
  const index = createCallIndex({ store, now, windowMs });
  const publish = createPublisher({
    log: deps.log,
    entities: deps.entities,
    now,
    metrics: deps.metrics,
    onCreated: deps.onCreated,
  });
  const activity = createActivity({
    store,
    now,
    idleMs: config.RECONCILE_IDLE_HOURS * 3_600_000,
    syncMs: config.SYNC_STATE_RETENTION_HOURS * 3_600_000,
    onError: (err) =>
      deps.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'could not record a connection in use',
      ),
  });
  // The feeder asks whether an index is still being built; the reconciler, made next, knows.
  const built: { reconciler?: Reconciler } = {};
  const feeder = createFeeder({
    index,
    publish,
    quiet: (ref) => built.reconciler?.quiet(ref) ?? Promise.resolve(true),
    logger: deps.logger,
    metrics: deps.metrics,
  });
  const stopListening = deps.observer.listen(feeder.listener);
  const reconciler = (built.reconciler = createReconciler({
    index,
    store,
    feeder,
    publish,
    client: (ref) => deps.clients.client(ref),
    activity,
    settings: {
      recentIntervalMs: config.RECONCILE_RECENT_INTERVAL_SECONDS * 1000,
      intervalMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
      windowMs,
      dailyCap: Math.floor(config.RECONCILE_BUDGET_SHARE * config.GONG_DAILY_BUDGET),
      tombstoneMs: config.EVENT_RETENTION_HOURS * 3_600_000,
    },
    now,
    logger: deps.logger,
    metrics: deps.metrics,
  }));
  return {
    reconciler,
    index,
    feeder,
    activity,
    services: {
      standings: createStandings({ index, entities: deps.entities, logger: deps.logger }),
      activity,
    },
    async close() {
      stopListening();
      await reconciler.close();
    },
  };
}
