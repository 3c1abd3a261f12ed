/**
 * Prometheus metrics (prom-client), every name prefixed `gong_gateway_`. One Metrics object per
 * gateway instance, passed down explicitly (not prom-client's global registry), so tests can run
 * several gateways in one process and read each one's counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  upstreamRequests: Counter<'connection' | 'endpoint' | 'status'>;
  upstreamLatency: Histogram<'endpoint'>;
  upstreamRateLimited: Counter<'connection'>;
  rateLimitQueueDepth: Gauge<'connection'>;
  dailyBudgetRemaining: Gauge<'connection'>;
  loaderBatchSize: Histogram<'loader'>;
  graphqlOperations: Counter<'operation' | 'type' | 'outcome'>;
  openSubscriptions: Gauge<'subscription'>;
  webhooksReceived: Counter<'outcome'>;
  webhookBodiesReading: Gauge;
  eventDeliveryLag: Histogram;
  corruptEntries: Counter<'store'>;
  cacheLookups: Counter<'kind' | 'result'>;
  entityLookups: Counter<'kind' | 'result'>;
  entityCacheBytes: Gauge;
  entityEvictions: Counter<'kind' | 'reason'>;
  upstreamMergedRequests: Counter<'endpoint'>;
  upstreamRequestsSaved: Counter<'reason'>;
  callChanges: Counter<'connection' | 'kind'>;
  reconcileRequests: Counter<'connection' | 'sweep'>;
  reconcileSweeps: Counter<'connection' | 'sweep' | 'outcome'>;
  reconcileStretch: Gauge<'connection'>;
  reconcileIntervalSeconds: Gauge<'connection' | 'sweep'>;
  reconcileDropped: Counter<'connection'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'gong_gateway_' });
  const r = [registry];
  return {
    registry,
    upstreamRequests: new Counter({
      name: 'gong_gateway_upstream_requests_total',
      help: 'Requests sent to Gong, by endpoint and HTTP status (or error kind).',
      labelNames: ['connection', 'endpoint', 'status'],
      registers: r,
    }),
    upstreamLatency: new Histogram({
      name: 'gong_gateway_upstream_latency_seconds',
      help: 'Latency of one upstream Gong request.',
      labelNames: ['endpoint'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    upstreamRateLimited: new Counter({
      name: 'gong_gateway_upstream_429_total',
      help: '429 answers from Gong.',
      labelNames: ['connection'],
      registers: r,
    }),
    rateLimitQueueDepth: new Gauge({
      name: 'gong_gateway_rate_limit_queue_depth',
      help: "Requests waiting for the connection's Gong budget.",
      labelNames: ['connection'],
      registers: r,
    }),
    dailyBudgetRemaining: new Gauge({
      name: 'gong_gateway_daily_budget_remaining',
      help: 'Upstream requests left today for the connection.',
      labelNames: ['connection'],
      registers: r,
    }),
    loaderBatchSize: new Histogram({
      name: 'gong_gateway_dataloader_batch_size',
      help: 'Keys per DataLoader batch.',
      labelNames: ['loader'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250],
      registers: r,
    }),
    graphqlOperations: new Counter({
      name: 'gong_gateway_graphql_operations_total',
      help: 'GraphQL operations by name, type and outcome.',
      labelNames: ['operation', 'type', 'outcome'],
      registers: r,
    }),
    openSubscriptions: new Gauge({
      name: 'gong_gateway_open_subscriptions',
      help: 'Open GraphQL subscriptions.',
      labelNames: ['subscription'],
      registers: r,
    }),
    webhooksReceived: new Counter({
      name: 'gong_gateway_webhooks_received_total',
      help: 'Gong webhook deliveries by outcome.',
      labelNames: ['outcome'],
      registers: r,
    }),
    webhookBodiesReading: new Gauge({
      name: 'gong_gateway_webhook_bodies_reading',
      help: 'Signed webhook bodies being received right now (bounded by WEBHOOK_MAX_CONCURRENT).',
      registers: r,
    }),
    eventDeliveryLag: new Histogram({
      name: 'gong_gateway_event_delivery_lag_seconds',
      help: 'From webhook receipt to delivery to a subscriber.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: r,
    }),
    corruptEntries: new Counter({
      name: 'gong_gateway_corrupt_entries_total',
      help: 'Stored entries skipped because they do not parse (event log, transcript schedule, cache), by store.',
      labelNames: ['store'],
      registers: r,
    }),
    cacheLookups: new Counter({
      name: 'gong_gateway_cache_lookups_total',
      help: 'Full-read cache lookups by kind and result.',
      labelNames: ['kind', 'result'],
      registers: r,
    }),
    entityLookups: new Counter({
      name: 'gong_gateway_entity_cache_lookups_total',
      help: 'Entity cache lookups (one per id) by kind (call, transcript, user) and result (hit, miss, bypass: Cache-Control no-cache).',
      labelNames: ['kind', 'result'],
      registers: r,
    }),
    entityCacheBytes: new Gauge({
      name: 'gong_gateway_entity_cache_bytes',
      help: 'Bytes held by the in-memory entity cache (bounded by CACHE_MAX_BYTES; 0 with Redis).',
      registers: r,
    }),
    entityEvictions: new Counter({
      name: 'gong_gateway_entity_cache_evictions_total',
      help: 'Entries dropped from the entity cache by kind and reason (size: the byte bound; admin: gongEvictCache; gone: Gong no longer returns the call).',
      labelNames: ['kind', 'reason'],
      registers: r,
    }),
    upstreamMergedRequests: new Counter({
      name: 'gong_gateway_upstream_merged_requests_total',
      help: 'Upstream requests that carried the ids of more than one waiting read (merged while they queued for the budget), by endpoint.',
      labelNames: ['endpoint'],
      registers: r,
    }),
    upstreamRequestsSaved: new Counter({
      name: 'gong_gateway_upstream_requests_saved_total',
      help: "Upstream requests the gateway did not need to send, by reason (cache: a by-id batch answered from the entity cache; merge: reads served by another read's merged request).",
      labelNames: ['reason'],
      registers: r,
    }),
    callChanges: new Counter({
      name: 'gong_gateway_call_changes_total',
      help: 'Changes to calls the gateway noticed and published as call.changed events (CREATED, UPDATED, MADE_PRIVATE, MADE_PUBLIC, DELETED), by connection.',
      labelNames: ['connection', 'kind'],
      registers: r,
    }),
    reconcileRequests: new Counter({
      name: 'gong_gateway_reconcile_requests_total',
      help: "Upstream requests the reconciler's sweeps sent (listing pages and by-id confirmations), by connection and sweep (recent, full).",
      labelNames: ['connection', 'sweep'],
      registers: r,
    }),
    reconcileSweeps: new Counter({
      name: 'gong_gateway_reconcile_sweeps_total',
      help: 'Reconciler sweeps by connection, sweep (recent, full) and outcome (done; budget: stopped at RECONCILE_BUDGET_SHARE; failed).',
      labelNames: ['connection', 'sweep', 'outcome'],
      registers: r,
    }),
    reconcileStretch: new Gauge({
      name: 'gong_gateway_reconcile_stretch',
      help: "How many times longer than configured the reconciler's intervals are, so its sweeps fit RECONCILE_BUDGET_SHARE (1: the configured cadence).",
      labelNames: ['connection'],
      registers: r,
    }),
    reconcileIntervalSeconds: new Gauge({
      name: 'gong_gateway_reconcile_interval_seconds',
      help: 'The interval the reconciler sweeps at now, by connection and sweep (recent, full): the staleness bound of a change to a call in that range.',
      labelNames: ['connection', 'sweep'],
      registers: r,
    }),
    reconcileDropped: new Counter({
      name: 'gong_gateway_reconcile_dropped_total',
      help: 'Call records not folded into the change index because its queue was full (the next sweep reads them again).',
      labelNames: ['connection'],
      registers: r,
    }),
  };
}
