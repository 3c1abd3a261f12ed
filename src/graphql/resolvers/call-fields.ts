/**
 * GongCall and GongParty fields. Basic fields read CallBasicData (`metaData`); sections read what
 * /v2/calls/extensive returned for the operation's contentSelector (a section Gong left out is
 * null); links go through the per-request loaders so 100 calls cost one batch per link kind.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type {
  GongCallResolvers,
  GongContextTiming,
  Resolvers,
} from '../../generated/resolvers-types.js';
import type { CallBasicData, CallContext } from '../../gong/wire.js';
import { CONTEXT_TIMING } from '../content-selector.js';
import type { CallParent } from '../parents.js';
import { loadCall } from './call-plan.js';
import { isGongId } from './ids.js';

type Section = 'parties' | 'context' | 'content' | 'interaction' | 'collaboration' | 'media';

/** A section of the call: at hand when fetched with the operation's selector, else via the loader. */
function section<K extends Section>(key: K) {
  return (p: CallParent, _a: unknown, ctx: GatewayContext, info: GraphQLResolveInfo) =>
    p.sections
      ? (p.call[key] ?? null)
      : loadCall(ctx, info, p.call.metaData.id).then((c) => c?.call[key] ?? null);
}

/**
 * Keeps the CRM objects of the asked timings. Objects without a timing (Basic context) stay; a
 * system whose objects were all filtered out is dropped.
 */
function byTiming(
  contexts: CallContext[] | null,
  timing: readonly GongContextTiming[] | null | undefined,
): CallContext[] | null {
  if (!contexts) return null;
  const keep = new Set<string>((timing ?? ['NOW']).map((t) => CONTEXT_TIMING[t]));
  return contexts.flatMap((c) => {
    if (!c.objects) return [c];
    const objects = c.objects.filter((o) => o.timing == null || keep.has(o.timing));
    return objects.length === 0 && c.objects.length > 0 ? [] : [{ ...c, objects }];
  });
}

const BASIC = [
  'url',
  'title',
  'scheduled',
  'started',
  'duration',
  'primaryUserId',
  'direction',
  'system',
  'scope',
  'media',
  'language',
  'workspaceId',
  'sdrDisposition',
  'clientUniqueId',
  'customData',
  'purpose',
  'meetingUrl',
  'isPrivate',
  'calendarEventId',
] as const satisfies readonly (keyof CallBasicData)[];

const basicFields = Object.fromEntries(
  BASIC.map((k) => [k, (p: CallParent) => p.call.metaData[k] ?? null]),
) as Pick<GongCallResolvers, (typeof BASIC)[number]>;

export const callFieldResolvers: Resolvers = {
  GongCall: {
    __resolveReference: (ref, ctx, info) =>
      isGongId(ref.id) ? loadCall(ctx, info, ref.id, false) : null,
    id: (p) => p.call.metaData.id,
    ...basicFields,
    workspace: async (p, _a, ctx) => {
      const id = p.call.metaData.workspaceId;
      return id ? ((await ctx.loaders.workspaces()).find((w) => w.id === id) ?? null) : null;
    },
    primaryUser: (p, _a, ctx) =>
      p.call.metaData.primaryUserId ? ctx.loaders.users.load(p.call.metaData.primaryUserId) : null,
    parties: section('parties'),
    context: async (p, args, ctx, info) =>
      byTiming(await section('context')(p, args, ctx, info), args.timing),
    content: section('content'),
    interaction: section('interaction'),
    collaboration: section('collaboration'),
    mediaUrls: section('media'),
    transcript: (p, _a, ctx) => ctx.loaders.transcripts.load(p.call.metaData.id),
  },
  GongParty: {
    context: (party, args) => byTiming(party.context ?? null, args.timing),
    user: (party, _a, ctx) => (party.userId ? ctx.loaders.users.load(party.userId) : null),
  },
  // Gong's `id` here names another thing (the tracker, the party), not this per-call object.
  GongTracker: {
    trackerId: (t) => t.id ?? null,
  },
  GongSpeakerStat: {
    partyId: (s) => s.id ?? null,
  },
};
