/**
 * The newest knowledge of calls the privacy rule (src/privacy/call-privacy.ts) checks records
 * against: the change index (tombstones of deleted calls, privacy as the last sweep or read saw
 * it), then the entity cache's metaData for calls the index does not hold (older than its window).
 * A store that does not answer gives "unknown": each record's own flag decides, as without a
 * change index.
 */
import type { EntityCache } from '../cache/entity-cache.js';
import type { Logger } from '../observability/logger.js';
import type { CallStanding, CallStandings } from '../privacy/call-privacy.js';
import type { CallIndex } from './call-index.js';

export function createStandings(deps: {
  index: CallIndex;
  entities?: EntityCache | undefined;
  logger?: Logger;
}): CallStandings {
  return {
    async of(ref, ids) {
      try {
        const entries = await deps.index.entries(ref, ids);
        const unknown = ids.filter((_, i) => entries[i] === undefined);
        const cached =
          deps.entities && unknown.length > 0 ? await deps.entities.peekCalls(ref, unknown) : [];
        const peeked = new Map(unknown.map((id, i) => [id, cached[i]]));
        return ids.map((id, i): CallStanding | undefined => {
          const e = entries[i];
          if (e)
            return e.state === 'deleted'
              ? { deleted: true }
              : { deleted: false, isPrivate: e.isPrivate };
          const meta = peeked.get(id);
          return meta ? { deleted: false, isPrivate: meta.isPrivate === true } : undefined;
        });
      } catch (err) {
        deps.logger?.warn(
          { connection: ref, err: err instanceof Error ? err.message : String(err) },
          'call standings unavailable; records decide their own privacy',
        );
        return ids.map(() => undefined);
      }
    },
  };
}
