/**
 * gongCallsSync / gongTranscriptsSync: incremental reads with exactly-once delivery per version
 * across late-processed data (see ../sync/scan.ts) and the changes Gong makes afterwards
 * (../sync/changes.ts). Calls come from POST /v2/calls/extensive filtered on start time with the
 * operation's contentSelector; transcripts from POST /v2/calls/transcript. Every record passes the
 * privacy rule (src/privacy/call-privacy.ts). Both run at background priority: interactive reads
 * go first in the connection's budget.
 */
import type { CallChangedData } from '../../events/payloads.js';
import { ALL_CALLS } from '../../events/transcript-interest.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import type { CallData } from '../../gong/wire.js';
import { hiddenIds } from '../../privacy/call-privacy.js';
import { recordVersion } from '../../reconcile/fingerprint.js';
import type { GatewayContext } from '../context.js';
import { checkFirst } from '../cursor.js';
import type { ChangeAction } from '../sync/changes.js';
import { runSyncStep } from '../sync/run.js';
import { hiddenCallIds, planOf, primeCalls } from './call-plan.js';
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

/** What a calls sync does with a change: a new version to deliver, or a call to drop. */
const callAction =
  (includePrivate: boolean) =>
  (d: CallChangedData): ChangeAction | undefined => {
    if (d.kind === 'DELETED') return includePrivate || !d.isPrivate ? 'remove' : undefined;
    if (d.kind === 'MADE_PRIVATE') return includePrivate ? 'deliver' : 'remove';
    return includePrivate || !d.isPrivate ? 'deliver' : undefined;
  };

/** A transcript never changes: it is dropped with its call, and delivered when its call appears or becomes visible to the sync. */
const transcriptAction =
  (includePrivate: boolean) =>
  (d: CallChangedData): ChangeAction | undefined => {
    if (d.kind === 'DELETED') return includePrivate || !d.isPrivate ? 'remove' : undefined;
    if (d.kind === 'MADE_PRIVATE') return includePrivate ? undefined : 'remove';
    if (d.kind === 'MADE_PUBLIC') return includePrivate ? undefined : 'deliver';
    if (d.kind === 'CREATED') return includePrivate || !d.isPrivate ? 'deliver' : undefined;
    return undefined;
  };

/** Hides what the privacy rule does not serve; `keep` then answers from the set. */
function privacyFilter(ctx: GatewayContext, includePrivate: boolean) {
  const hidden = new Set<string>();
  return {
    keep: (c: CallData) => !hidden.has(c.metaData.id),
    async check<T extends CallData>(calls: T[]): Promise<T[]> {
      const records = calls.map((c) => ({ id: c.metaData.id, isPrivate: c.metaData.isPrivate }));
      for (const id of await hiddenIds(ctx.loaders.standings, records, includePrivate))
        hidden.add(id);
      return calls;
    },
  };
}

export const syncResolvers: Resolvers = {
  Query: {
    gongCallsSync: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const includePrivate = args.includePrivate === true;
      const { selector } = planOf(ctx, info);
      const outcome = selector?.exposedFields?.content?.callOutcome === true;
      const privacy = privacyFilter(ctx, includePrivate);
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
          await privacy.check(page.items);
          return page;
        },
        fetchByIds: async (ids) =>
          privacy.check(found(await ctx.loaders.calls(selector).loadMany(ids))),
        idOf: (c) => c.metaData.id,
        keep: privacy.keep,
        // The fields a change can touch: a call delivered before is delivered again when they differ.
        versionOf: (c) => recordVersion(c, outcome),
        changeAction: callAction(includePrivate),
      });
      return {
        nodes: step.records.map((call) => ({ call, sections: true })),
        removedCallIds: step.removed,
        checkpoint: step.checkpoint,
        hasMore: step.hasMore,
      };
    },
    gongTranscriptsSync: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const includePrivate = args.includePrivate === true;
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
      // A transcript does not say whether its call is private: one calls lookup per page.
      const hide = async (callIds: string[]) => {
        for (const id of await hiddenCallIds(ctx, info, callIds, includePrivate)) hidden.add(id);
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
        changeAction: transcriptAction(includePrivate),
      });
      return {
        nodes: step.records,
        removedCallIds: step.removed,
        checkpoint: step.checkpoint,
        hasMore: step.hasMore,
      };
    },
  },
};
