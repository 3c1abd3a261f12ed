/**
 * Works the refresh queue (./refresh.ts): claims up to 100 due calls of one connection, reads
 * them in one `/v2/calls/extensive` by id with the index's selector and, for those whose
 * transcript was never asked, one `/v2/calls/transcript`; a call Gong no longer returns leaves
 * the model. Requests count against the same daily share as the fill. Not public API.
 */
import { readTranscripts, untilNextDay, type BackgroundDeps } from './fill.js';
import type { RefreshQueue } from './refresh.js';
import { INDEX_SELECTOR } from './rows.js';

const BATCH = 100;
const RETRY_MS = 60_000;

/**
 * Processes due batches until none is left. `all` ignores the linger (tests, shutdown drains).
 * Returns the calls processed.
 */
export async function runRefreshes(
  deps: BackgroundDeps,
  queue: RefreshQueue,
  signal: AbortSignal,
  opts: { all?: boolean } = {},
): Promise<number> {
  let processed = 0;
  while (!signal.aborted) {
    const batch = await queue.claim(BATCH, opts);
    if (!batch) break;
    const { conn, callIds } = batch;
    if (callIds.length === 0) continue;
    const ref = await deps.writes.refOf(conn);
    if (ref === undefined) {
      await queue.done(conn, callIds);
      continue;
    }
    if (!(await deps.state.spend(conn, 1, deps.dailyCap, deps.now()))) {
      await queue.retry(conn, callIds, untilNextDay(deps.now()));
      continue;
    }
    let returned: string[];
    try {
      const calls = await deps.client(ref).callsByIds(callIds, INDEX_SELECTOR, 'background');
      deps.metrics.requests.inc({ purpose: 'refresh_calls' });
      returned = calls.map((c) => c.metaData.id);
    } catch (err) {
      deps.logger.warn({ err }, 'read model: a refresh read failed; retrying later');
      await queue.retry(conn, callIds, RETRY_MS);
      continue;
    }
    await deps.ingest.flush(ref);
    const have = new Set(returned);
    // Gong answers every call it has, private ones included: one it left out is gone.
    await deps.writes.deleteCalls(
      conn,
      callIds.filter((id) => !have.has(id)),
      { tombstone: false },
    );
    const lacking = await deps.writes.lackingTranscripts(conn, returned);
    if (lacking.length > 0 && (await deps.state.spend(conn, 1, deps.dailyCap, deps.now()))) {
      try {
        await readTranscripts(deps, ref, conn, lacking, 'refresh_transcripts');
      } catch (err) {
        deps.logger.warn({ err }, 'read model: a refresh transcripts read failed');
      }
    }
    await queue.done(conn, callIds);
    processed += callIds.length;
  }
  return processed;
}
