/**
 * Stored entries that do not parse (a shape change between deploys, a hand edit, a bug) are
 * skipped so the rest keeps working, but never silently: each is logged and counted in
 * `gong_gateway_corrupt_entries_total{store}` once, so an operator sees the gap.
 */
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export type CorruptStore = 'event_log' | 'transcript_schedule' | 'cache';

/** Reports one corrupt entry; `key` identifies it in the log (never its content, which may hold data). */
export type ReportCorruptEntry = (store: CorruptStore, key: string, problem: string) => void;

/** Entries remembered as reported, so a replay that meets one again does not log it again. */
const REMEMBERED = 10_000;

export function corruptEntryReporter(
  logger: Logger | undefined,
  metrics: Metrics | undefined,
): ReportCorruptEntry {
  const reported = new Set<string>();
  return (store, key, problem) => {
    const id = `${store}\u0000${key}`;
    if (reported.has(id)) return;
    if (reported.size >= REMEMBERED) reported.delete(reported.values().next().value as string);
    reported.add(id);
    metrics?.corruptEntries.inc({ store });
    logger?.error({ store, key, problem }, 'corrupt stored entry skipped');
  };
}
