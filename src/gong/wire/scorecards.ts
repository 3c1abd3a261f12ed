/**
 * Gong's scorecard shapes (GET /v2/settings/scorecards, POST /v2/stats/activity/scorecards, and a
 * `call.created` webhook's `content.scorecardsAnswers`). Kept apart from ./wire.ts so that wire.ts
 * can type the webhook field without an import cycle. Source: Gong's OpenAPI (schemas Scorecard,
 * Question, QuestionOption, AnsweredScorecard, Answer); see docs/stats-and-settings.md.
 */
import { z } from 'zod';

const obj = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const opt = <T extends z.ZodType>(t: T) => t.nullish();

/**
 * The spec types these ids int64 (JSON numbers) while every other Gong id is a numeric string:
 * accept both and keep a string. A number beyond 2^53 has already lost digits in JSON.parse, so
 * one is refused rather than linked to the wrong object.
 */
export const Int64Id = z.union([
  z.string().regex(/^\d{1,20}$/, 'a numeric id'),
  z
    .number()
    .int()
    .nonnegative()
    .refine(Number.isSafeInteger, 'an id beyond 2^53 sent as a JSON number (digits lost)')
    .transform(String),
]);

/**
 * Gong's system user: real settings carry `updaterUserId: "-1"` where Gong itself made the edit.
 * It is not a user (a lookup finds nothing), so it is kept as written and links to nothing.
 */
export const GONG_SYSTEM_USER_ID = '-1';

/** A user id Gong writes: a numeric id (string or int64 number), or its system user `-1`. */
export const UserIdOrSystem = z.union([
  z.literal(GONG_SYSTEM_USER_ID),
  z.literal(-1).transform(() => GONG_SYSTEM_USER_ID),
  Int64Id,
]);

/** The spec types these int32; real answers send some as strings (`minRange: "1"`): both read as numbers. */
export const IntLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d{1,9}$/, 'an integer')
    .transform(Number),
]);

export const ScorecardQuestionOption = obj({
  id: opt(z.union([z.number(), z.string()]).transform(String)),
  text: opt(z.string()),
});

export const ScorecardQuestion = obj({
  questionId: Int64Id,
  questionRevisionId: opt(Int64Id),
  questionText: opt(z.string()),
  isOverall: opt(z.boolean()),
  questionType: opt(z.string()),
  answerGuide: opt(z.string()),
  minRange: opt(IntLike),
  maxRange: opt(IntLike),
  answerOptions: opt(z.array(ScorecardQuestionOption)),
  /** Not in the spec; real questions carry it (`"-1"` for Gong's own edits). */
  updaterUserId: opt(UserIdOrSystem),
});
export type ScorecardQuestion = z.infer<typeof ScorecardQuestion>;

export const Scorecard = obj({
  scorecardId: Int64Id,
  scorecardName: opt(z.string()),
  workspaceId: opt(Int64Id),
  enabled: opt(z.boolean()),
  /** Not in the spec; real scorecards carry `MANUAL` (so other methods exist). */
  reviewMethod: opt(z.string()),
  updaterUserId: opt(UserIdOrSystem),
  created: opt(z.string()),
  updated: opt(z.string()),
  questions: opt(z.array(ScorecardQuestion)),
});
export type Scorecard = z.infer<typeof Scorecard>;
export const ScorecardsResponse = obj({ requestId: z.string(), scorecards: z.array(Scorecard) });

export const ScorecardAnswer = obj({
  questionId: opt(Int64Id),
  questionRevisionId: opt(Int64Id),
  isOverall: opt(z.boolean()),
  /** 1..50 when answered. */
  score: opt(IntLike),
  answerText: opt(z.string()),
  notApplicable: opt(z.boolean()),
  selectedOptions: opt(z.array(z.union([z.number(), z.string()]).transform(String))),
});
export type ScorecardAnswer = z.infer<typeof ScorecardAnswer>;

export const AnsweredScorecard = obj({
  answeredScorecardId: Int64Id,
  scorecardId: opt(Int64Id),
  scorecardName: opt(z.string()),
  callId: opt(Int64Id),
  callStartTime: opt(z.string()),
  reviewedUserId: opt(UserIdOrSystem),
  reviewerUserId: opt(UserIdOrSystem),
  reviewTime: opt(z.string()),
  /** PUBLIC, PRIVATE or OPT_IN_USERS. */
  visibilityType: opt(z.string()),
  answers: opt(z.array(ScorecardAnswer)),
});
export type AnsweredScorecard = z.infer<typeof AnsweredScorecard>;

/**
 * A webhook's `content.scorecardsAnswers` (the real capture carried `[]`; its entries are taken to
 * be AnsweredScorecards). An entry that does not parse is left out of the typed list rather than
 * failing the whole delivery: a refused webhook would lose the call.
 */
export const WebhookScorecardsAnswers = z.array(z.unknown()).transform((items) =>
  items.flatMap((item) => {
    const parsed = AnsweredScorecard.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  }),
);
