/**
 * The search read model, from config: off (READ_MODEL=off), a Postgres server (DATABASE_URL), or
 * embedded PGlite in READ_MODEL_DIR. Migrates at start-up, listens to the call observer and the
 * event log, and starts the fill and the refresh loop.
 */
import type { Config } from '../config/config.js';
import type { ConnectionRegistry } from '../connections/types.js';
import type { EventLog } from '../events/event-log.js';
import type { TranscriptInterest } from '../events/transcript-interest.js';
import type { CallObserver } from '../gong/call-observer.js';
import type { GongClients } from '../gong/clients.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { openReadModel, type ReadModel } from '../read-model/read-model.js';
import { openPglite, openPostgres } from '../read-model/sql.js';

export interface ReadModelFeatureDeps {
  clients: GongClients;
  registry: ConnectionRegistry;
  observer: CallObserver;
  events: EventLog;
  interest: TranscriptInterest;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
}

export async function createReadModelFeature(
  config: Config,
  deps: ReadModelFeatureDeps,
): Promise<ReadModel | undefined> {
  if (config.READ_MODEL === 'off') return undefined;
  const where = config.DATABASE_URL ? 'DATABASE_URL' : `READ_MODEL_DIR (${config.READ_MODEL_DIR})`;
  let model: ReadModel;
  try {
    const sql = config.DATABASE_URL
      ? await openPostgres(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX })
      : await openPglite(config.READ_MODEL_DIR);
    model = await openReadModel({
      sql,
      client: (ref) => deps.clients.client(ref),
      connections: () => deps.registry.list(),
      observer: deps.observer,
      events: deps.events,
      interest: deps.interest,
      registry: deps.metrics.registry,
      logger: deps.logger,
      days: config.READ_MODEL_DAYS,
      overlapMs: config.SYNC_CALLS_OVERLAP_MINUTES * 60_000,
      dailyCap: Math.floor(config.GONG_DAILY_BUDGET * config.READ_MODEL_BUDGET_SHARE),
      now: deps.now,
    });
  } catch (err) {
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    throw new Error(
      `The search read model could not open its database (${where}): ${reason.replace(/\b[a-z]+:\/\/\S+/gi, '<url>')}. Set READ_MODEL=off to run without search.`,
      { cause: err },
    );
  }
  model.start();
  deps.logger.info({ engine: model.engine }, 'search read model started');
  return model;
}
