/**
 * Shared helpers for the per-request loaders: each loader maps one Gong batch endpoint, keys are
 * Gong ids, batches hold at most 100 ids (Gong's page size), and a missing id is a per-key null.
 */
import DataLoader from 'dataloader';
import { PAGE_SIZE } from '../gong/wire/common.js';
import type { Metrics } from '../observability/metrics.js';

export const observeBatch = (metrics: Metrics | undefined, loader: string, size: number): void => {
  metrics?.loaderBatchSize.labels(loader).observe(size);
};

/** A loader over a by-id read answered in key order (null for ids Gong does not know); each batch of ≤100 keys is recorded in the batch-size metric. */
export function loaderById<T>(
  name: string,
  metrics: Metrics | undefined,
  read: (ids: string[]) => Promise<(T | null)[]>,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(
    async (keys) => {
      observeBatch(metrics, name, keys.length);
      return read([...keys]);
    },
    { maxBatchSize: PAGE_SIZE, name },
  );
}
