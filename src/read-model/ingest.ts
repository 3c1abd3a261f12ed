/**
 * Keeps the read model current from what the gateway already receives: every call and transcript
 * record the Gong client or a webhook hands the call observer, and the event log's `call.created`,
 * `transcript.ready` and `call.changed` events (from this instance or, with Redis, any other).
 * Each connection's writes run one after the other in arrival order, so a change applies after
 * the records that came before it. Listeners never block and never throw (the observer's
 * contract); the queue is bounded by records, and what overflows it is counted and dropped (the
 * refresh of a later read or change brings it back).
 */
import type { CallObserverListener } from '../gong/call-observer.js';
import type { CallData } from '../gong/wire.js';
import type { EventListener } from '../events/event-log.js';
import { readCallChanged, readCallCreated, readTranscriptReady } from '../events/payloads.js';
import type { Logger } from '../observability/logger.js';
import type { ReadModelMetrics } from './metrics.js';
import type { RefreshQueue } from './refresh.js';
import { heldSections, type HeldSections } from './rows.js';
import type { CallRecord, Writes } from './writes.js';

export interface IngestDeps {
  writes: Writes;
  refresh: RefreshQueue;
  /** Calls that started before this (ms) are outside the model's window and are not kept. */
  windowStart(): number;
  logger: Logger;
  metrics: ReadModelMetrics;
  /** Records waiting to be written, across connections, before new ones are dropped. @default 20_000 */
  maxPending?: number;
}

export interface Ingest {
  observer: CallObserverListener;
  events: EventListener;
  /** Resolves once everything queued so far for `ref` (or every connection) is written. */
  flush(ref?: string): Promise<void>;
  /** Queues `records` as if observed (the fill and the refresh read through the client, so they need not). */
  calls(ref: string, calls: readonly CallData[], held: HeldSections): void;
}

const NO_SECTIONS: HeldSections = {
  parties: false,
  context: false,
  trackers: false,
  topics: false,
};

export function createIngest(deps: IngestDeps): Ingest {
  const { writes, refresh, logger, metrics } = deps;
  const maxPending = deps.maxPending ?? 20_000;
  const chains = new Map<string, Promise<void>>();
  let pending = 0;

  const enqueue = (ref: string, size: number, task: (conn: number) => Promise<void>) => {
    if (pending + size > maxPending) {
      metrics.dropped.inc(size);
      logger.warn({ records: size }, 'read model: ingest queue full, records dropped');
      return;
    }
    pending += size;
    const run = async () => {
      try {
        await task(await writes.connId(ref));
      } catch (err) {
        metrics.writeErrors.inc();
        logger.warn({ err }, 'read model: a write failed');
      } finally {
        pending -= size;
      }
    };
    const next = (chains.get(ref) ?? Promise.resolve()).then(run);
    chains.set(ref, next);
    void next.then(() => {
      if (chains.get(ref) === next) chains.delete(ref);
    });
  };

  const calls = (ref: string, list: readonly CallData[], held: (c: CallData) => HeldSections) => {
    const from = deps.windowStart();
    const inWindow = list.filter((c) => {
      const t = Date.parse(c.metaData.started ?? '');
      return Number.isNaN(t) || t >= from;
    });
    if (inWindow.length === 0) return;
    enqueue(ref, inWindow.length, async (conn) => {
      const records: CallRecord[] = inWindow.map((call) => ({ call, held: held(call) }));
      await writes.upsertCalls(conn, records);
      // Calls seen without a section the filters need are read again by id (batched, background).
      const lacking = records
        .filter((r) => !(r.held.parties && r.held.context && r.held.trackers && r.held.topics))
        .map((r) => r.call.metaData.id);
      await refresh.enqueueIfLacking(conn, lacking);
    });
  };

  return {
    observer: {
      calls: (o) => calls(o.connectionRef, o.calls, (c) => heldSections(c, o.selector)),
      transcripts: (o) =>
        enqueue(o.connectionRef, o.transcripts.length, async (conn) => {
          const unknown = await writes.upsertTranscripts(conn, o.transcripts);
          // A transcript of a call the model has not seen yet: read the call (and it again).
          await refresh.enqueue(conn, unknown);
        }),
    },
    events: (event) => {
      const ref = event.connectionRef;
      if (event.topic === 'call.created') {
        const d = readCallCreated(event.data);
        if (!d) return;
        const call: CallData = {
          ...d.callData,
          metaData: { ...d.callData.metaData, isPrivate: d.isPrivate },
        };
        calls(ref, [call], (c) => heldSections(c, 'carried'));
      } else if (event.topic === 'transcript.ready') {
        const d = readTranscriptReady(event.data);
        if (!d) return;
        enqueue(ref, 1, async (conn) => {
          const unknown = await writes.upsertTranscripts(conn, [d.transcript]);
          await refresh.enqueue(conn, unknown);
        });
      } else {
        const d = readCallChanged(event.data);
        if (!d) return;
        metrics.changes.inc({ kind: d.kind });
        enqueue(ref, 1, async (conn) => {
          switch (d.kind) {
            case 'DELETED':
              await writes.deleteCalls(conn, [d.callId], { tombstone: true });
              return;
            case 'MADE_PRIVATE':
            case 'MADE_PUBLIC':
              await writes.setPrivacy(conn, d.callId, d.isPrivate);
              if (d.metaData) await writes.updateMeta(conn, d.metaData);
              if (d.kind === 'MADE_PUBLIC') await refresh.enqueueIfLacking(conn, [d.callId]);
              return;
            case 'CREATED':
            case 'UPDATED':
              // What the change carries applies now (a renamed call is found by its new title at
              // once). An UPDATED call is read again by id; a CREATED one (a first sighting) only
              // if the model lacks a section the fill will not bring.
              if (d.metaData)
                await writes.upsertCalls(conn, [
                  {
                    call: { metaData: { ...d.metaData, isPrivate: d.isPrivate } },
                    held: NO_SECTIONS,
                  },
                ]);
              if (d.kind === 'UPDATED') await refresh.enqueue(conn, [d.callId]);
              else await refresh.enqueueIfLacking(conn, [d.callId]);
              return;
          }
        });
      }
    },
    async flush(ref) {
      // A task may queue another (none does today), so wait until the chains stay settled.
      for (;;) {
        const waiting = ref === undefined ? [...chains.values()] : [chains.get(ref)];
        const live = waiting.filter((p): p is Promise<void> => p !== undefined);
        if (live.length === 0) return;
        await Promise.all(live);
      }
    },
    calls: (ref, list, held) => calls(ref, list, () => held),
  };
}
