/**
 * The read model's Prometheus series (`gong_gateway_read_model_*`), on the gateway's registry.
 * No label carries a tenant value: counts and progress are summed over connections. Gauges are
 * read from the database when scraped, at most once per `snapshotMs` (counting rows is not free).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const ROW_KINDS = ['call', 'party', 'crm_object', 'tracker', 'topic', 'sentence'] as const;
export type RowKind = (typeof ROW_KINDS)[number];

export interface ReadModelSnapshot {
  rows: Record<RowKind, number>;
  /** Bytes of the read model's tables and indexes. */
  bytes: number;
  fill: { callsRead: number; callsExpected: number; running: number; done: number };
  refreshQueue: number;
}

export interface ReadModelMetrics {
  dropped: Counter;
  writeErrors: Counter;
  changes: Counter<'kind'>;
  /** Gong requests the read model made, by purpose (fill_calls, fill_transcripts, refresh_calls, refresh_transcripts). */
  requests: Counter<'purpose'>;
  queryLatency: Histogram<'kind'>;
}

export function createReadModelMetrics(
  registry: Registry,
  snapshot: () => Promise<ReadModelSnapshot>,
  snapshotMs = 15_000,
): ReadModelMetrics {
  const registers = [registry];
  let last: { at: number; value: Promise<ReadModelSnapshot> } | undefined;
  const current = () => {
    if (!last || Date.now() - last.at > snapshotMs) {
      const value = snapshot();
      last = { at: Date.now(), value };
      value.catch(() => (last = undefined));
    }
    return last.value;
  };
  new Gauge({
    name: 'gong_gateway_read_model_rows',
    help: 'Rows in the search read model by kind (calls, sentences; for party, crm_object, tracker and topic the values the filters match), summed over connections.',
    labelNames: ['kind'],
    registers,
    async collect() {
      const s = await current();
      for (const k of ROW_KINDS) this.set({ kind: k }, s.rows[k]);
    },
  });
  new Gauge({
    name: 'gong_gateway_read_model_bytes',
    help: "Bytes of the read model's tables and indexes (data plus index size).",
    registers,
    async collect() {
      this.set((await current()).bytes);
    },
  });
  new Gauge({
    name: 'gong_gateway_read_model_fill_progress_ratio',
    help: 'Calls the first fill (or the current catch-up) has read over the calls it found to read, all connections together; 1 when every fill is done.',
    registers,
    async collect() {
      const { fill } = await current();
      this.set(
        fill.callsExpected > 0
          ? Math.min(1, fill.callsRead / fill.callsExpected)
          : fill.running === 0
            ? 1
            : 0,
      );
    },
  });
  new Gauge({
    name: 'gong_gateway_read_model_fill_calls',
    help: 'Calls read by the running fills (state="read") and found to read (state="expected").',
    labelNames: ['state'],
    registers,
    async collect() {
      const { fill } = await current();
      this.set({ state: 'read' }, fill.callsRead);
      this.set({ state: 'expected' }, fill.callsExpected);
    },
  });
  new Gauge({
    name: 'gong_gateway_read_model_fill_connections',
    help: 'Connections whose fill is running or done.',
    labelNames: ['state'],
    registers,
    async collect() {
      const { fill } = await current();
      this.set({ state: 'running' }, fill.running);
      this.set({ state: 'done' }, fill.done);
    },
  });
  new Gauge({
    name: 'gong_gateway_read_model_refresh_queue',
    help: 'Calls waiting to be read again by id (changed, or seen without a section the index needs).',
    registers,
    async collect() {
      this.set((await current()).refreshQueue);
    },
  });
  return {
    dropped: new Counter({
      name: 'gong_gateway_read_model_dropped_records_total',
      help: 'Records not written to the read model because its write queue was full.',
      registers,
    }),
    writeErrors: new Counter({
      name: 'gong_gateway_read_model_write_errors_total',
      help: 'Read model writes that failed (the database did not answer or refused).',
      registers,
    }),
    changes: new Counter({
      name: 'gong_gateway_read_model_changes_total',
      help: 'call.changed events applied to the read model, by kind.',
      labelNames: ['kind'],
      registers,
    }),
    requests: new Counter({
      name: 'gong_gateway_read_model_gong_requests_total',
      help: 'Gong requests the read model made (its fill and by-id refreshes), by purpose.',
      labelNames: ['purpose'],
      registers,
    }),
    queryLatency: new Histogram({
      name: 'gong_gateway_read_model_query_seconds',
      help: 'Search query latency in the read model, by kind (text: with a text filter; filter: other filters; window: dates only).',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
  };
}
