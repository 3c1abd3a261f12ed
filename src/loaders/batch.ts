/**
 * Shared helpers for the per-request loaders: each loader maps one Gong batch endpoint, keys are
 * Gong ids, batches hold at most 100 ids (Gong's page size), and a missing id is a per-key null.
 */
import DataLoader from 'dataloader';
import type { Metrics } from '../observability/metrics.js';

/** Gong returns at most 100 records a page, so a batch of 100 ids is one request. */
export const MAX_BATCH = 100;

/** Orders `found` by `keys`, null where Gong had nothing for a key. */
export function byKeys<T>(keys: readonly string[], found: Iterable<T>, idOf: (t: T) => string): (T | null)[] {
  const map = new Map<string, T>();
  for (const t of found) map.set(idOf(t), t);
  return keys.map((k) => map.get(k) ?? null);
}

export const observeBatch = (metrics: Metrics | undefined, loader: string, size: number): void => {
  metrics?.loaderBatchSize.labels(loader).observe(size);
};

/**
 * A loader over a by-id read: each batch of ≤100 keys is recorded in the batch-size metric and
 * answered in key order, with null for ids Gong does not know.
 */
export function loaderById<T>(name: string, metrics: Metrics | undefined, read: (ids: string[]) => Promise<T[]>, idOf: (t: T) => string): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(
    async (keys) => {
      observeBatch(metrics, name, keys.length);
      return byKeys(keys, await read([...keys]), idOf);
    },
    { maxBatchSize: MAX_BATCH, name },
  );
}
