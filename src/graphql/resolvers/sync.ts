/**
 * gongCallsSync / gongTranscriptsSync: incremental reads with exactly-once delivery across
 * late-processed data (see ../sync/scan.ts). Calls come from POST /v2/calls/extensive filtered on
 * start time with the operation's contentSelector; transcripts from POST /v2/calls/transcript.
 * Both run at background priority: interactive reads go first in the connection's budget.
 */
import { ALL_CALLS } from '../../events/transcript-interest.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { checkFirst } from '../cursor.js';
import { runSyncStep } from '../sync/run.js';
import { planOf, primeCalls, privateCallIds } from './call-plan.js';
import { toIso } from './ids.js';

/** A transcripts sync chain counts as waiting for transcripts this long after its last page. */
const SYNC_INTEREST_MS = 3_600_000;

/** The records a by-id batch found; a failed batch fails the step (the checkpoint is not advanced). */
function found<T>(results: readonly (T | null | Error)[]): T[] {
  const out: T[] = [];
  for (const r of results) {
    if (r instanceof Error) throw r;
    if (r !== null) out.push(r);
  }
  return out;
}

export const syncResolvers: Resolvers = {
  Query: {
    gongCallsSync: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const { selector } = planOf(ctx, info);
      const step = await runSyncStep(ctx, 'calls', args.checkpoint, {
        first,
        overlapMs: ctx.settings.syncCallsOverlapMs,
        startDays: ctx.settings.syncStartDays,
        now: ctx.settings.now(),
        fetchPage: async (w, cursor) => {
          const page = await ctx.gong.callsExtensive(
            {
              cursor,
              filter: { fromDateTime: toIso(w.from), toDateTime: toIso(w.to) },
              ...(selector ? { contentSelector: selector } : {}),
            },
            'background',
          );
          primeCalls(ctx, info, page.items);
          return page;
        },
        fetchByIds: async (ids) => found(await ctx.loaders.calls(selector).loadMany(ids)),
        idOf: (c) => c.metaData.id,
        keep: (c) => args.includePrivate === true || c.metaData.isPrivate !== true,
      });
      return {
        nodes: step.records.map((call) => ({ call, sections: true })),
        checkpoint: step.checkpoint,
        hasMore: step.hasMore,
      };
    },
    gongTranscriptsSync: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      // A chain reads the transcripts of learned calls by id: the poller finds them ready meanwhile.
      await ctx.services.events.interest
        ?.want(ctx.connectionRef, ALL_CALLS, 'sync', {
          holder: 'transcripts-sync',
          ttlMs: SYNC_INTEREST_MS,
        })
        .catch((err: unknown) =>
          ctx.logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            "could not record the sync chain's interest in transcripts",
          ),
        );
      const hidden = new Set<string>();
      const hide = async (callIds: string[]) => {
        // A transcript does not say whether its call is private: one calls lookup per page.
        if (args.includePrivate !== true)
          for (const id of await privateCallIds(ctx, info, callIds)) hidden.add(id);
      };
      const step = await runSyncStep(ctx, 'transcripts', args.checkpoint, {
        first,
        overlapMs: ctx.settings.syncTranscriptsOverlapMs,
        startDays: ctx.settings.syncStartDays,
        now: ctx.settings.now(),
        fetchPage: async (w, cursor) => {
          const page = await ctx.gong.transcripts(
            { cursor, filter: { fromDateTime: toIso(w.from), toDateTime: toIso(w.to) } },
            'background',
          );
          ctx.loaders.rememberTranscripts(page.items);
          await hide(page.items.map((t) => t.callId));
          return page;
        },
        fetchByIds: async (ids) => {
          const ready = found(await ctx.loaders.transcripts.loadMany(ids));
          await hide(ready.map((t) => t.callId));
          return ready;
        },
        idOf: (t) => t.callId,
        keep: (t) => !hidden.has(t.callId),
      });
      return { nodes: step.records, checkpoint: step.checkpoint, hasMore: step.hasMore };
    },
  },
};
