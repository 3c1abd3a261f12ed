/**
 * Transcripts: pages of POST /v2/calls/transcript, `call` and speakers through the calls loader.
 * Transcripts of private calls are dropped unless `includePrivate: true`, and those of deleted calls
 * always (the privacy rule); a transcript does not say whether its call is private, so each page's
 * calls are looked up (one batch per page). A federation reference has no `includePrivate`: it
 * never resolves the transcript of a private or deleted call.
 */
import type { Resolvers } from '../../generated/resolvers-types.js';
import { checkFirst, decodeCursor } from '../cursor.js';
import { readConnection } from '../paging.js';
import { hiddenCallIds, loadCall } from './call-plan.js';
import { dateWindow, gongId, gongIds, isGongId, transcriptId } from './ids.js';

export const transcriptResolvers: Resolvers = {
  Query: {
    gongTranscripts: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const after = decodeCursor(args.after);
      const f = args.filter ?? {};
      const includePrivate = f.includePrivate === true;
      const hidden = new Set<string>();
      const callIds = f.callIds ? gongIds(f.callIds, 'filter.callIds') : undefined;
      const workspaceId = f.workspaceId ? gongId(f.workspaceId, 'filter.workspaceId') : undefined;
      const fixed =
        after?.w ??
        (callIds && !f.from && !f.to
          ? {}
          : dateWindow(f.from, f.to, ctx.settings.now(), ctx.settings.syncStartDays));
      return readConnection({
        first,
        after,
        fixed,
        fetchPage: async (cursor) => {
          const page = await ctx.gong.transcripts({
            cursor,
            filter: { fromDateTime: fixed.from, toDateTime: fixed.to, workspaceId, callIds },
          });
          ctx.loaders.rememberTranscripts(page.items);
          const ids = page.items.map((t) => t.callId);
          for (const id of await hiddenCallIds(ctx, info, ids, includePrivate)) hidden.add(id);
          return page;
        },
        keep: (t) => !hidden.has(t.callId),
        toNode: (t) => t,
      });
    },
  },
  GongTranscript: {
    __resolveReference: async (ref, ctx, info) => {
      if (!isGongId(ref.callId)) return null;
      // The call first: a hidden one's transcript is never fetched.
      if ((await hiddenCallIds(ctx, info, [ref.callId], false)).size > 0) return null;
      return ctx.loaders.transcripts.load(ref.callId);
    },
    id: (t) => transcriptId(t.callId),
    call: (t, _a, ctx, info) => loadCall(ctx, info, t.callId),
    monologues: (t) => t.transcript.map((monologue) => ({ callId: t.callId, monologue })),
  },
  GongMonologue: {
    speakerId: (m) => m.monologue.speakerId ?? null,
    topic: (m) => m.monologue.topic ?? null,
    sentences: (m) => m.monologue.sentences,
    speaker: async (m, _a, ctx, info) => {
      const speakerId = m.monologue.speakerId;
      if (!speakerId) return null;
      const call = await loadCall(ctx, info, m.callId);
      return call?.call.parties?.find((party) => party.speakerId === speakerId) ?? null;
    },
  },
};
