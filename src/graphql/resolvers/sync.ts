/**
 * gongCallsSync / gongTranscriptsSync: incremental reads with exactly-once delivery across
 * late-processed data (see ../sync/scan.ts). Calls come from POST /v2/calls/extensive filtered on
 * start time with the operation's contentSelector; transcripts from POST /v2/calls/transcript.
 * Both run at background priority: interactive reads go first in the connection's budget.
 */
import type { Resolvers } from '../../generated/resolvers-types.js';
import { checkFirst } from '../cursor.js';
import { decodeCheckpoint, encodeCheckpoint } from '../sync/checkpoint.js';
import { syncStep } from '../sync/scan.js';
import { planOf, primeCalls, privateCallIds } from './call-plan.js';
import { toIso } from './ids.js';

const startOf = (iso: string | null | undefined): number | undefined => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

export const syncResolvers: Resolvers = {
  Query: {
    gongCallsSync: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const checkpoint = decodeCheckpoint(args.checkpoint, 'calls');
      const { selector } = planOf(ctx, info);
      const step = await syncStep({
        checkpoint, first,
        overlapMs: ctx.settings.syncCallsOverlapMs,
        startDays: ctx.settings.syncStartDays,
        now: ctx.settings.now(),
        fetchPage: async (w, cursor) => {
          const page = await ctx.gong.callsExtensive(
            { cursor, filter: { fromDateTime: toIso(w.from), toDateTime: toIso(w.to) }, ...(selector ? { contentSelector: selector } : {}) },
            'background',
          );
          primeCalls(ctx, info, page.items);
          return page;
        },
        idOf: (c) => c.metaData.id,
        boundOf: (c, w) => startOf(c.metaData.started) ?? startOf(c.metaData.scheduled) ?? w.to,
        keep: (c) => args.includePrivate === true || c.metaData.isPrivate !== true,
      });
      return { nodes: step.records.map((call) => ({ call, sections: true })), checkpoint: encodeCheckpoint(step.checkpoint), hasMore: step.hasMore };
    },
    gongTranscriptsSync: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const checkpoint = decodeCheckpoint(args.checkpoint, 'transcripts');
      const hidden = new Set<string>();
      const step = await syncStep({
        checkpoint, first,
        overlapMs: ctx.settings.syncTranscriptsOverlapMs,
        startDays: ctx.settings.syncStartDays,
        now: ctx.settings.now(),
        fetchPage: async (w, cursor) => {
          const page = await ctx.gong.transcripts({ cursor, filter: { fromDateTime: toIso(w.from), toDateTime: toIso(w.to) } }, 'background');
          for (const t of page.items) ctx.loaders.transcripts.prime(t.callId, t);
          // A transcript does not say whether its call is private: one calls lookup per page.
          if (args.includePrivate !== true) for (const id of await privateCallIds(ctx, info, page.items.map((t) => t.callId))) hidden.add(id);
          return page;
        },
        idOf: (t) => t.callId,
        keep: (t) => !hidden.has(t.callId),
        // A transcript carries no start time; its call started before the scan's upper bound.
        boundOf: (_t, w) => w.to,
      });
      return { nodes: step.records, checkpoint: encodeCheckpoint(step.checkpoint), hasMore: step.hasMore };
    },
  },
};
