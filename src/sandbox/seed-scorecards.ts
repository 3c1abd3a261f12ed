/**
 * The tenant's scorecards: definitions (GET /v2/settings/scorecards) and the answers reviewers
 * gave on its calls (POST /v2/stats/activity/scorecards, a webhook's content.scorecardsAnswers).
 * About a third of external seeded calls are reviewed, by the host's manager when there is one,
 * one to three days after the call ended; a review is visible once its time has passed.
 * Internal to the sandbox.
 */
import {
  GONG_SYSTEM_USER_ID,
  type AnsweredScorecard,
  type Scorecard,
} from '../gong/wire/scorecards.js';
import { formatDate } from './dates.js';
import { createRng, subSeed, type Rng } from './random.js';
import type { StoredCall } from './seed-calls.js';
import type { TenantUser } from './seed-people.js';
import * as W from './seed-words.js';

const HOUR = 3_600_000;

/** An answered scorecard with the times the filters compare. */
export interface StoredReview {
  wire: AnsweredScorecard;
  callId: string;
  callStartMs: number;
  reviewMs: number;
  reviewedUserId: string;
  reviewerUserId: string;
  scorecardId: string;
}

/** Ids the spec types int64 are emitted as JSON numbers; these stay below 2^53 so they survive JSON.parse. */
const safeId = (rng: Rng) => rng.int(100_000_000, 999_999_999) * 1_000_000 + rng.int(0, 999_999);

interface QuestionSeed {
  text: string;
  type: 'RANGE' | 'SINGLE_SELECT' | 'OPEN_TEXT';
  overall?: boolean;
  options?: string[];
}

export function seedScorecards(
  rng: Rng,
  users: TenantUser[],
  workspaceIds: string[],
  anchorMs: number,
  offset: string,
): Scorecard[] {
  const admins = users.filter((u) => u.role === 'head' || u.role === 'manager');
  return W.SCORECARDS.map((card, i) => {
    const created = anchorMs - rng.int(120, 400) * 24 * HOUR;
    const admin = admins.length > 0 ? rng.pick(admins).meta.id : null;
    return {
      scorecardId: String(safeId(rng)),
      scorecardName: card.name,
      workspaceId: workspaceIds[i % workspaceIds.length] ?? null,
      enabled: card.enabled,
      reviewMethod: 'MANUAL',
      // Real settings carry Gong's system user "-1" for Gong's own edits; one card an admin edited.
      updaterUserId: i === 0 && admin ? admin : GONG_SYSTEM_USER_ID,
      created: formatDate(created, offset),
      updated: formatDate(created + rng.int(1, 90) * 24 * HOUR, offset),
      questions: (card.questions as readonly QuestionSeed[]).map((q) => ({
        questionId: String(safeId(rng)),
        questionRevisionId: String(safeId(rng)),
        questionText: q.text,
        isOverall: q.overall ?? false,
        questionType: q.type,
        answerGuide: q.type === 'RANGE' && i === 0 ? '1 = missing, 5 = excellent' : null,
        minRange: q.type === 'RANGE' ? 1 : null,
        maxRange: q.type === 'RANGE' ? 5 : null,
        answerOptions: q.options ? q.options.map((text, n) => ({ id: String(n + 1), text })) : [],
        updaterUserId: GONG_SYSTEM_USER_ID,
      })),
    };
  });
}

/** The review of one call, or undefined when nobody reviewed it (decided by the call's own seed). */
export function reviewOf(
  call: StoredCall,
  scorecards: Scorecard[],
  users: TenantUser[],
  reviewMs?: number,
  reviewer?: TenantUser,
): StoredReview | undefined {
  const rng = createRng(subSeed(call.transcriptSeed, 0x5c0));
  const forced = reviewMs !== undefined;
  if (!forced && (call.meta.scope !== 'External' || !rng.chance(0.33))) return undefined;
  const enabled = scorecards.filter((s) => s.enabled);
  const card = enabled.find((s) => s.workspaceId === call.meta.workspaceId) ?? enabled[0];
  const hostId = call.meta.primaryUserId ?? '';
  const host = users.find((u) => u.meta.id === hostId);
  const manager = host?.meta.managerId
    ? users.find((u) => u.meta.id === host.meta.managerId && u.meta.active)
    : undefined;
  const others = users.filter((u) => u.role !== 'avatar' && u.meta.active && u.meta.id !== hostId);
  const by = reviewer ?? manager ?? (others.length > 0 ? rng.pick(others) : undefined);
  if (!card || !by) return undefined;
  const endMs = call.startedMs + (call.meta.duration ?? 0) * 1000;
  const at = reviewMs ?? endMs + rng.int(1, 72) * HOUR + rng.int(0, 3599) * 1000;
  const offset = call.meta.started?.slice(-6) ?? 'Z';
  const answers = (card.questions ?? []).map((q) => {
    const na = !q.isOverall && rng.chance(0.05);
    const base = {
      questionId: q.questionId,
      questionRevisionId: q.questionRevisionId ?? null,
      isOverall: q.isOverall ?? false,
      notApplicable: na,
    };
    if (na) return { ...base, score: null, answerText: null, selectedOptions: null };
    if (q.questionType === 'RANGE')
      return {
        ...base,
        score: rng.int(q.minRange ?? 1, q.maxRange ?? 5),
        answerText: null,
        selectedOptions: null,
      };
    if (q.questionType === 'SINGLE_SELECT')
      return {
        ...base,
        score: null,
        answerText: null,
        selectedOptions: [rng.pick(q.answerOptions ?? [{ id: '1' }]).id ?? '1'],
      };
    return { ...base, score: null, answerText: rng.pick(W.COMMENTS), selectedOptions: null };
  });
  const answeredScorecardId = String(safeId(rng));
  return {
    wire: {
      answeredScorecardId,
      scorecardId: card.scorecardId,
      scorecardName: card.scorecardName ?? null,
      callId: call.id,
      callStartTime: call.meta.started ?? null,
      reviewedUserId: hostId,
      reviewerUserId: by.meta.id,
      reviewTime: formatDate(at, /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : 'Z'),
      visibilityType: rng.pick(['PUBLIC', 'PUBLIC', 'PUBLIC', 'OPT_IN_USERS', 'PRIVATE']),
      answers,
    },
    callId: call.id,
    callStartMs: call.startedMs,
    reviewMs: at,
    reviewedUserId: hostId,
    reviewerUserId: by.meta.id,
    scorecardId: card.scorecardId,
  };
}

/** Gong's JSON for an answered scorecard: the ids the spec types int64 as numbers (all are safe). */
export function answeredScorecardJson(r: StoredReview): Record<string, unknown> {
  const num = (v: string | null | undefined) => (v == null ? null : Number(v));
  const w = r.wire;
  return {
    ...w,
    answeredScorecardId: num(w.answeredScorecardId),
    scorecardId: num(w.scorecardId),
    answers: (w.answers ?? []).map((a) => ({
      ...a,
      questionId: num(a.questionId),
      questionRevisionId: num(a.questionRevisionId),
    })),
  };
}

/**
 * Definitions as Gong's JSON: int64 ids as numbers (ids that are Gong user/workspace ids stay
 * strings) and, as a live answer showed, the ranges as strings (`minRange: "1"`).
 */
export function scorecardJson(s: Scorecard): Record<string, unknown> {
  const text = (v: number | null | undefined) => (v == null ? null : String(v));
  return {
    ...s,
    scorecardId: Number(s.scorecardId),
    questions: (s.questions ?? []).map((q) => ({
      ...q,
      questionId: Number(q.questionId),
      questionRevisionId: q.questionRevisionId == null ? null : Number(q.questionRevisionId),
      minRange: text(q.minRange),
      maxRange: text(q.maxRange),
      answerOptions: (q.answerOptions ?? []).map((o) => ({ id: Number(o.id), text: o.text })),
    })),
  };
}
