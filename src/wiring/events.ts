/**
 * Webhooks → event log → subscriptions: webhook keys and dead letters (in the shared store), the
 * webhook intake and its route, and the transcript poller. The event log and the transcript
 * schedule come from the shared state (Redis with REDIS_URL, else memory).
 */
import type { CallObserver } from '../gong/call-observer.js';
import type { EntityCache } from '../cache/entity-cache.js';
import type { Config } from '../config/config.js';
import { createDeadLetters, type DeadLetters } from '../events/dead-letters.js';
import type { EventLog } from '../events/event-log.js';
import type { EventServices } from '../events/services.js';
import { createTranscriptPoller, type TranscriptPoller } from '../events/transcript-poller.js';
import type { TranscriptInterest } from '../events/transcript-interest.js';
import type { TranscriptSchedule } from '../events/transcript-schedule.js';
import { createWebhookIntake } from '../events/webhook-intake.js';
import { createWebhookKeys, type WebhookKeys } from '../events/webhook-keys.js';
import type { GongClients } from '../gong/clients.js';
import { createWebhookRoute, webhookRoute } from '../http/webhook-route.js';
import type { Route } from '../http/router.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { KeyValueStore } from '../store/types.js';

/** A call became known outside a sync (a call.created webhook, a ready transcript): the sync reads it by id. */
export type OnCallLearned = (input: {
  connectionRef: string;
  callId: string;
  started?: string | null | undefined;
}) => Promise<void>;

export interface EventsFeatureDeps {
  logger: Logger;
  metrics: Metrics;
  clients: GongClients;
  store: KeyValueStore;
  log: EventLog;
  schedule: TranscriptSchedule;
  interest: TranscriptInterest;
  /** Whether the connection registry knows a ref. */
  connectionExists: (ref: string) => Promise<boolean>;
  onCallLearned: OnCallLearned;
  /** Keeps what webhooks and the transcript poller receive, so views of those calls cost no request. */
  entities?: EntityCache | undefined;
  /** Told of each delivery's callData (reads reach it through the Gong clients). */
  observer?: CallObserver;
  now: () => number;
  /** Transcript poller timer. @default min(1 s, half the first delay) */
  transcriptTickMs?: number;
}

export interface EventsFeature {
  keys: WebhookKeys;
  deadLetters: DeadLetters;
  poller: TranscriptPoller;
  /** The context's `services.events`. */
  services: EventServices;
  routes: Route[];
}

export function createEventsFeature(config: Config, deps: EventsFeatureDeps): EventsFeature {
  const { log, now, store } = deps;
  const keys = createWebhookKeys({ store, defaultKey: config.GONG_WEBHOOK_PUBLIC_KEY });
  const deadLetters = createDeadLetters({ store });
  const poller = createTranscriptPoller({
    schedule: deps.schedule,
    interest: deps.interest,
    log,
    client: (ref) => deps.clients.client(ref),
    initialDelayMs: config.TRANSCRIPT_POLL_INITIAL_SECONDS * 1000,
    denseMs: config.TRANSCRIPT_POLL_DENSE_SECONDS * 1000,
    maxDelayMs: config.TRANSCRIPT_POLL_MAX_SECONDS * 1000,
    giveUpMs: config.TRANSCRIPT_POLL_GIVE_UP_HOURS * 3_600_000,
    shortCallSeconds: config.TRANSCRIPT_POLL_SHORT_CALL_SECONDS,
    // Never coarser than the first delay, so short test delays are honoured.
    tickMs:
      deps.transcriptTickMs ??
      Math.min(1_000, Math.max(10, (config.TRANSCRIPT_POLL_INITIAL_SECONDS * 1000) / 2 || 1_000)),
    logger: deps.logger,
    now,
    onReady: deps.onCallLearned,
    onTranscripts: async (ref, transcripts) => deps.entities?.rememberTranscripts(ref, transcripts),
  });
  const handler = createWebhookRoute({
    publicUrl: config.publicUrl,
    maxBytes: config.WEBHOOK_MAX_BYTES,
    bodyIdleMs: config.WEBHOOK_BODY_IDLE_MS,
    bodyDeadlineMs: config.WEBHOOK_BODY_DEADLINE_MS,
    maxConcurrent: config.WEBHOOK_MAX_CONCURRENT,
    intake: createWebhookIntake({
      keys,
      connectionExists: deps.connectionExists,
      log,
      deadLetters,
      onCallData: async (ref, call) => {
        deps.observer?.calls({
          connectionRef: ref,
          source: 'webhook',
          calls: [call],
          selector: 'carried',
        });
        await deps.entities?.rememberCalls(ref, [call], 'carried');
      },
      onCallCreated: async (c) => {
        await deps.onCallLearned(c);
        await poller.schedule(c);
      },
      logger: deps.logger,
      now,
    }),
    metrics: deps.metrics,
    logger: deps.logger,
  });
  return {
    keys,
    deadLetters,
    poller,
    services: {
      log,
      interest: deps.interest,
      keys,
      deadLetters,
      maxPending: config.WS_MAX_PENDING_EVENTS,
      metrics: deps.metrics,
      now,
    },
    routes: [webhookRoute(handler)],
  };
}
