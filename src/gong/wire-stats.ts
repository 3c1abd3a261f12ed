/**
 * Gong's wire format for the stats, settings and library endpoints: activity (aggregate,
 * aggregate-by-period, day-by-day), interaction stats, answered scorecards, scorecard and
 * tracker settings, library folders and their content, call outcomes. Shared by the client
 * (validates answers) and the sandbox (validates requests). Source: Gong's OpenAPI document;
 * call outcomes are newer than it and follow a recorded live answer (docs/gong-contract.md).
 */
import { z } from 'zod';
import { Records } from './wire.js';
import { AnsweredScorecard, Int64Id, IntLike } from './wire/scorecards.js';

const obj = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const opt = <T extends z.ZodType>(t: T) => t.nullish();
const id = z.string().regex(/^\d{1,20}$/, 'a numeric string id');

/** `YYYY-MM-DD`, a day in the company's time zone (the stats endpoints' date format). */
export const GongDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** The OAuth scope of each endpoint here (Bearer only), from the spec's endpoint descriptions. */
export const STATS_SCOPES = {
  statsScorecards: 'api:stats:scorecards',
  statsUserActions: 'api:stats:user-actions',
  statsUserActionsDetailed: 'api:stats:user-actions:detailed',
  statsInteraction: 'api:stats:interaction',
  settingsScorecards: 'api:settings:scorecards:read',
  settingsTrackers: 'api:settings:trackers:read',
  libraryRead: 'api:library:read',
} as const;

// ---------------------------------------------------------------- activity and interaction

/** PublicApiBaseRequestV2MultipleUsersWithDates: `fromDate` inclusive, `toDate` exclusive. */
export const MultipleUsersWithDates = z.object({
  fromDate: GongDate,
  toDate: GongDate,
  createdFromDateTime: z.string().optional(),
  createdToDateTime: z.string().optional(),
  userIds: z.array(id).optional(),
});
export const StatsRequest = z.object({
  cursor: z.string().optional(),
  filter: MultipleUsersWithDates,
});
export type StatsRequest = z.infer<typeof StatsRequest>;

export const AGGREGATION_PERIODS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
export type AggregationPeriod = (typeof AGGREGATION_PERIODS)[number];
export const StatsByPeriodRequest = StatsRequest.extend({
  aggregationPeriod: z.enum(AGGREGATION_PERIODS),
});
export type StatsByPeriodRequest = z.infer<typeof StatsByPeriodRequest>;

export const ACTIVITY_FIELDS = [
  'callsAsHost',
  'callsGaveFeedback',
  'callsRequestedFeedback',
  'callsReceivedFeedback',
  'ownCallsListenedTo',
  'othersCallsListenedTo',
  'callsSharedInternally',
  'callsSharedExternally',
  'callsScorecardsFilled',
  'callsScorecardsReceived',
  'callsAttended',
  'callsCommentsGiven',
  'callsCommentsReceived',
  'callsMarkedAsFeedbackGiven',
  'callsMarkedAsFeedbackReceived',
] as const;
export type ActivityField = (typeof ACTIVITY_FIELDS)[number];

const shapeOf = <T extends z.ZodType>(t: T) =>
  Object.fromEntries(ACTIVITY_FIELDS.map((k) => [k, opt(t)])) as Record<
    ActivityField,
    z.ZodOptional<z.ZodNullable<T>>
  >;

/** AggregateActivity: counts. */
export const ActivityCounts = obj(shapeOf(z.number()));
export type ActivityCounts = z.infer<typeof ActivityCounts>;
/** AggregateActivityWithDates: counts of one period. */
export const ActivityCountsWithDates = obj({
  ...shapeOf(z.number()),
  fromDate: opt(z.string()),
  toDate: opt(z.string()),
});
export type ActivityCountsWithDates = z.infer<typeof ActivityCountsWithDates>;
/** DailyActivityWithDates: the call ids behind each count, for one day. */
export const DailyActivity = obj({
  ...shapeOf(z.array(z.string())),
  fromDate: opt(z.string()),
  toDate: opt(z.string()),
});
export type DailyActivity = z.infer<typeof DailyActivity>;

const userPart = { userId: id, userEmailAddress: opt(z.string()) };
const window = {
  fromDateTime: opt(z.string()),
  toDateTime: opt(z.string()),
  timeZone: opt(z.string()),
};

export const UserAggregateActivity = obj({
  ...userPart,
  userAggregateActivityStats: opt(ActivityCounts),
});
export type UserAggregateActivity = z.infer<typeof UserAggregateActivity>;
export const AggregateActivityResponse = obj({
  requestId: z.string(),
  records: Records,
  usersAggregateActivityStats: z.array(UserAggregateActivity),
  ...window,
});

export const UserActivityByPeriod = obj({
  ...userPart,
  userAggregateActivity: opt(z.array(ActivityCountsWithDates)),
});
export type UserActivityByPeriod = z.infer<typeof UserActivityByPeriod>;
export const ActivityByPeriodResponse = obj({
  requestId: z.string(),
  records: Records,
  usersAggregateActivity: z.array(UserActivityByPeriod),
});

export const UserDayByDayActivity = obj({
  ...userPart,
  userDailyActivityStats: opt(z.array(DailyActivity)),
});
export type UserDayByDayActivity = z.infer<typeof UserDayByDayActivity>;
export const DayByDayActivityResponse = obj({
  requestId: z.string(),
  records: Records,
  usersDetailedActivities: z.array(UserDayByDayActivity),
});

export const InteractionStat = obj({ name: opt(z.string()), value: opt(z.number()) });
export const UserInteractionStats = obj({
  ...userPart,
  personInteractionStats: opt(z.array(InteractionStat)),
});
export type UserInteractionStats = z.infer<typeof UserInteractionStats>;
export const InteractionStatsResponse = obj({
  requestId: z.string(),
  records: Records,
  peopleInteractionStats: z.array(UserInteractionStats),
  ...window,
});

// ---------------------------------------------------------------- answered scorecards

export const AnsweredScorecardsRequest = z.object({
  cursor: z.string().optional(),
  filter: z.object({
    callFromDate: GongDate.optional(),
    callToDate: GongDate.optional(),
    reviewFromDate: GongDate.optional(),
    reviewToDate: GongDate.optional(),
    reviewedUserIds: z.array(id).optional(),
    scorecardIds: z.array(id).optional(),
  }),
});
export type AnsweredScorecardsRequest = z.infer<typeof AnsweredScorecardsRequest>;
export const AnsweredScorecardsResponse = obj({
  requestId: z.string(),
  records: Records,
  answeredScorecards: z.array(AnsweredScorecard),
});

// ---------------------------------------------------------------- trackers

export const TrackerLanguageKeywords = obj({
  language: opt(z.string()),
  keywords: opt(z.array(z.string())),
  includeRelatedForms: opt(z.boolean()),
});
export const KeywordTracker = obj({
  trackerId: id,
  trackerName: opt(z.string()),
  workspaceId: opt(z.string()),
  languageKeywords: opt(z.array(TrackerLanguageKeywords)),
  /** Anyone, Company or NonCompany. */
  affiliation: opt(z.string()),
  partOfQuestion: opt(z.boolean()),
  /** Anytime, First or Last. */
  saidAt: opt(z.string()),
  saidAtInterval: opt(z.number()),
  saidAtUnit: opt(z.string()),
  saidInTopics: opt(z.array(z.string())),
  saidInCallParts: opt(z.array(z.string())),
  filterQuery: opt(z.string()),
  created: opt(z.string()),
  creatorUserId: opt(z.string()),
  updated: opt(z.string()),
  updaterUserId: opt(z.string()),
});
export type KeywordTracker = z.infer<typeof KeywordTracker>;
/** GET /v2/settings/trackers: no `records`, no paging. */
export const TrackersResponse = obj({
  requestId: z.string(),
  keywordTrackers: z.array(KeywordTracker),
});

// ---------------------------------------------------------------- library

export const LibraryFolder = obj({
  id,
  name: opt(z.string()),
  parentFolderId: opt(z.string()),
  createdBy: opt(z.string()),
  updated: opt(z.string()),
});
export type LibraryFolder = z.infer<typeof LibraryFolder>;
export const LibraryFoldersResponse = obj({
  requestId: z.string(),
  folders: z.array(LibraryFolder),
});

export const LibraryCall = obj({
  id,
  title: opt(z.string()),
  note: opt(z.string()),
  addedBy: opt(z.string()),
  created: opt(z.string()),
  url: opt(z.string()),
  snippet: opt(obj({ fromSec: opt(z.number()), toSec: opt(z.number()) })),
});
export type LibraryCall = z.infer<typeof LibraryCall>;
export const LibraryFolderContentResponse = obj({
  requestId: z.string(),
  id: opt(z.string()),
  name: opt(z.string()),
  createdBy: opt(z.string()),
  updated: opt(z.string()),
  calls: opt(z.array(LibraryCall)),
});
export type LibraryFolderContent = z.infer<typeof LibraryFolderContentResponse>;

// ---------------------------------------------------------------- call outcomes (recorded)

/**
 * One outcome definition of GET /v2/call-outcomes, as a live answer showed it: no id; the
 * outcome's name is `callOutcome`, and category, connect status, sentiment and todo action are
 * upper case (`ANSWERED`, `CONNECTED`, `POSITIVE`, `COMPLETE_AND_REMOVE`). A call's
 * `content.callOutcome` is Gong AI's `{id: "MEETING_BOOKED", category: "Answered", name}`: it
 * matches a definition by name, not by id.
 */
export const CallOutcomeDefinition = obj({
  callOutcome: z.string(),
  displayOrder: opt(IntLike),
  connectStatus: opt(z.string()),
  sentiment: opt(z.string()),
  todoAction: opt(z.string()),
  /** Seen only as null: a value of another type is kept as its JSON text rather than refused. */
  automation: opt(z.union([z.string(), z.unknown().transform((v) => JSON.stringify(v))])),
  category: opt(z.string()),
});
export type CallOutcomeDefinition = z.infer<typeof CallOutcomeDefinition>;
export const CallOutcomesResponse = obj({
  requestId: z.string(),
  outcomes: z.array(CallOutcomeDefinition),
});

export { AnsweredScorecard, Int64Id };
