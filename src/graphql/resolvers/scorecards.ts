/**
 * Scorecards: definitions (cached full read), answered scorecards (root connection, per user, per
 * call) and each answer's links to its definitions, users and call. Answers of a webhook's
 * `content.scorecardsAnswers` resolve through the same GongAnsweredScorecard fields.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import type { ScorecardAnswer, ScorecardQuestion } from '../../gong/wire/scorecards.js';
import { checkFirst, decodeCursor } from '../cursor.js';
import { readConnection } from '../paging.js';
import { loadCall } from './call-plan.js';
import { gongIds, isGongId } from './ids.js';
import { dayRange, reviewRange } from './stats-args.js';

const scorecardById = async (ctx: GatewayContext, id: string | null | undefined) =>
  id ? ((await ctx.loaders.stats.scorecards()).find((s) => s.scorecardId === id) ?? null) : null;

/** Question ids are unique across scorecards, so an answer finds its question without its scorecard. */
async function questionOf(
  ctx: GatewayContext,
  a: ScorecardAnswer,
): Promise<ScorecardQuestion | null> {
  if (!a.questionId) return null;
  for (const s of await ctx.loaders.stats.scorecards()) {
    const q = s.questions?.find((x) => x.questionId === a.questionId);
    if (q) return q;
  }
  return null;
}

/** Gong's system user `-1` (and anything else that is not a Gong id) links to null without a lookup. */
const user = (ctx: GatewayContext, id: string | null | undefined) =>
  id && isGongId(id) ? ctx.loaders.users.load(id) : null;
const call = (ctx: GatewayContext, info: GraphQLResolveInfo, id: string | null | undefined) =>
  id && isGongId(id) ? loadCall(ctx, info, id, false) : null;

export const scorecardResolvers: Resolvers = {
  Query: {
    gongScorecards: (_p, _a, ctx) => ctx.loaders.stats.scorecards(),
    gongScorecard: (_p, { scorecardId }, ctx) => scorecardById(ctx, scorecardId),
    gongAnsweredScorecards: async (_p, args, ctx) => {
      const first = checkFirst(args.first);
      const after = decodeCursor(args.after);
      const f = args.filter;
      const call = dayRange(f.callFromDate, f.callToDate);
      const review = dayRange(f.reviewFromDate, f.reviewToDate);
      const filter = {
        ...(call.from ? { callFromDate: call.from } : {}),
        ...(call.to ? { callToDate: call.to } : {}),
        ...(review.from ? { reviewFromDate: review.from } : {}),
        ...(review.to ? { reviewToDate: review.to } : {}),
        ...(f.reviewedUserIds
          ? { reviewedUserIds: gongIds(f.reviewedUserIds, 'filter.reviewedUserIds') }
          : {}),
        ...(f.scorecardIds ? { scorecardIds: gongIds(f.scorecardIds, 'filter.scorecardIds') } : {}),
      };
      return readConnection({
        first,
        after,
        fixed: { f: JSON.stringify(filter) },
        fetchPage: (cursor) => ctx.gong.answeredScorecards({ cursor, filter }),
        toNode: (a) => a,
      });
    },
  },
  GongScorecard: {
    __resolveReference: (ref, ctx) => scorecardById(ctx, ref.scorecardId),
    updater: (s, _a, ctx) => user(ctx, s.updaterUserId),
  },
  GongAnsweredScorecard: {
    scorecard: (a, _a, ctx) => scorecardById(ctx, a.scorecardId),
    call: (a, _a, ctx, info) => call(ctx, info, a.callId),
    reviewedUser: (a, _a, ctx) => user(ctx, a.reviewedUserId),
    reviewer: (a, _a, ctx) => user(ctx, a.reviewerUserId),
  },
  GongScorecardQuestion: {
    updater: (q, _a, ctx) => user(ctx, q.updaterUserId),
  },
  GongScorecardAnswer: {
    question: (a, _a, ctx) => questionOf(ctx, a),
    selectedAnswerOptions: async (a, _a, ctx) => {
      if (!a.selectedOptions) return null;
      const options = (await questionOf(ctx, a))?.answerOptions ?? [];
      return a.selectedOptions.flatMap((id) => options.filter((o) => o.id === id));
    },
  },
  GongCall: {
    scorecards: (p, _a, ctx) => {
      // The call's day in the company's zone: Gong's `started` carries the company's offset.
      const day = p.call.metaData.started?.slice(0, 10);
      return day ? ctx.loaders.stats.callScorecards.load({ callId: p.call.metaData.id, day }) : [];
    },
  },
  GongUser: {
    scorecardsReceived: (u, args, ctx) =>
      ctx.loaders.stats.scorecardsReceived.load({
        userId: u.id,
        ...reviewRange(args.from, args.to, ctx.settings.now()),
      }),
    scorecardsGiven: (u, args, ctx) =>
      ctx.loaders.stats.scorecardsGiven.load({
        userId: u.id,
        ...reviewRange(args.from, args.to, ctx.settings.now()),
      }),
  },
  GongCallContent: {
    scorecardsAnswers: (c) => c.scorecardsAnswers ?? null,
  },
};
