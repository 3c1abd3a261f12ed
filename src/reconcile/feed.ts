/**
 * From records to published changes. The feeder listens to the call observer (every call record
 * any path received from Gong, and webhooks' callData), folds them into the change index in the
 * background, one queue per connection so a connection's changes publish in order, and publishes
 * what the index derived:
 * - the entity cache learns it first (a subscriber reacting to the event reads the new state): a
 *   sweep's record replaces the cached metaData and outcome, a deleted call and its transcript are
 *   evicted (other reads already wrote their own answer there);
 * - then one `call.changed` event, deduplicated on (call, version before, version after), so a
 *   change published twice after a crash or by two racing instances is stored once.
 */
import type { EntityCache } from '../cache/entity-cache.js';
import type { EventLog } from '../events/event-log.js';
import type { CallChangedData } from '../events/payloads.js';
import type { CallObserverListener, CallsObserved } from '../gong/call-observer.js';
import type { ContentSelector } from '../gong/wire.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallChange, CallIndex, Observation } from './call-index.js';

/** What a sweep asks for beside metaData: the outcome Gong sets later, at the same one request per 100 calls. */
export const SWEEP_SELECTOR: ContentSelector = {
  exposedFields: { content: { callOutcome: true } },
};

export type Publish = (ref: string, changes: readonly CallChange[]) => Promise<void>;

export function createPublisher(deps: {
  log: EventLog;
  entities?: EntityCache | undefined;
  now: () => number;
  metrics?: Metrics | undefined;
  /** A call new to the gateway: syncs read it by id whatever its start (and its transcript once Gong has it). */
  onCreated?: (ref: string, callId: string, started: string | null | undefined) => Promise<void>;
}): Publish {
  return async (ref, changes) => {
    for (const c of changes) {
      if (c.kind === 'DELETED') await deps.entities?.evict(ref, [c.callId]);
      else if (c.source === 'sweep' && c.call)
        await deps.entities?.rememberCalls(ref, [c.call], SWEEP_SELECTOR);
      const data: CallChangedData = {
        kind: c.kind,
        callId: c.callId,
        changedFields: c.changedFields,
        isPrivate: c.isPrivate,
        ...(c.metaData ? { metaData: c.metaData } : {}),
      };
      const { duplicate } = await deps.log.append({
        topic: 'call.changed',
        connectionRef: ref,
        dedupeKey: `${c.callId}:${c.from ?? ''}>${c.to ?? ''}`,
        data,
        receivedAt: new Date(deps.now()).toISOString(),
      });
      if (duplicate) continue;
      deps.metrics?.callChanges.inc({ connection: ref, kind: c.kind });
      if (c.kind === 'CREATED') await deps.onCreated?.(ref, c.callId, c.metaData?.started);
    }
  };
}

export interface Feeder {
  listener: CallObserverListener;
  /** Resolves once every record observed for `ref` so far is folded in and its changes published. */
  drain(ref: string): Promise<void>;
}

export interface FeederOptions {
  index: CallIndex;
  publish: Publish;
  /** Whether the connection's index is still being built (no CREATED from reads then). */
  quiet(ref: string): Promise<boolean>;
  /** Records waiting per connection; past it new ones are dropped (the next sweep sees them). @default 20_000 */
  maxPending?: number;
  logger?: Logger;
  metrics?: Metrics | undefined;
}

const asksOutcome = (s: ContentSelector | undefined) =>
  s?.exposedFields?.content?.callOutcome === true;

export function createFeeder(opts: FeederOptions): Feeder {
  const maxPending = opts.maxPending ?? 20_000;
  const queues = new Map<string, { tail: Promise<void>; pending: number }>();

  const toObservations = (o: CallsObserved): Observation[] => {
    const source =
      o.source === 'webhook' ? 'webhook' : o.priority === 'reconcile' ? 'sweep' : 'read';
    return o.calls.map((call) => ({
      call,
      source,
      outcomeKnown:
        o.selector === 'carried'
          ? call.content?.callOutcome !== undefined
          : asksOutcome(o.selector),
    }));
  };

  const enqueue = (ref: string, observations: Observation[]) => {
    const q = queues.get(ref) ?? { tail: Promise.resolve(), pending: 0 };
    if (q.pending + observations.length > maxPending) {
      opts.metrics?.reconcileDropped.inc({ connection: ref }, observations.length);
      return;
    }
    q.pending += observations.length;
    q.tail = q.tail.then(async () => {
      try {
        const changes = await opts.index.observe(ref, observations, await opts.quiet(ref));
        await opts.publish(ref, changes);
      } catch (err) {
        // Left to the next sweep: a record that could not be folded in is read again there.
        opts.logger?.warn(
          { connection: ref, err: err instanceof Error ? err.message : String(err) },
          'change index update failed',
        );
      } finally {
        q.pending -= observations.length;
        if (q.pending === 0 && queues.get(ref) === q) queues.delete(ref);
      }
    });
    queues.set(ref, q);
  };

  return {
    listener: { calls: (o) => enqueue(o.connectionRef, toObservations(o)) },
    async drain(ref) {
      for (let q = queues.get(ref); q; q = queues.get(ref)) {
        const tail = q.tail;
        await tail;
        if (queues.get(ref)?.tail === tail) return;
      }
    },
  };
}
