/**
 * Users' activity and interaction stats, computed from the tenant's calls, reviews and comments
 * as they stood at a snapshot time, so that every stats answer agrees with what the call reads
 * show. Days are the company's (the tenant's UTC offset), as Gong's `fromDate`/`toDate` are.
 * Internal to the sandbox.
 */
import { ACTIVITY_FIELDS, type ActivityField, type AggregationPeriod } from '../gong/wire-stats.js';
import { formatDate, offsetMinutes, parseDate } from './dates.js';
import type { TenantInsights } from './insights.js';
import type { Tenant } from './tenant.js';

const DAY = 86_400_000;

interface ActivityEvent {
  userId: string;
  day: string;
  field: ActivityField;
  callId: string;
}

/** The company-local day (YYYY-MM-DD) of an instant. */
export const dayOf = (ms: number, offset: string): string => formatDate(ms, offset).slice(0, 10);

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayAt = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const nextDay = (day: string) => dayAt(dayMs(day) + DAY);

/** Every day in [from, to). */
export function daysIn(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d < to; d = nextDay(d)) out.push(d);
  return out;
}

/** What happened, per user and day, up to `at`. */
export function activityEvents(
  tenant: Tenant,
  insights: TenantInsights,
  at: number,
): ActivityEvent[] {
  const offset = tenant.opts.utcOffset;
  const events: ActivityEvent[] = [];
  const push = (
    userId: string | null | undefined,
    ms: number,
    field: ActivityField,
    callId: string,
  ) => {
    if (userId) events.push({ userId, day: dayOf(ms, offset), field, callId });
  };
  for (const call of tenant.visibleCalls(at)) {
    const host = call.meta.primaryUserId;
    push(host, call.startedMs, 'callsAsHost', call.id);
    for (const p of call.parties)
      if (p.userId && p.userId !== host && p.affiliation === 'Internal')
        push(p.userId, call.startedMs, 'callsAttended', call.id);
    for (const c of call.details().publicComments) {
      const posted = c.posted ? parseDate(c.posted) : undefined;
      if (posted === undefined || posted > at) continue;
      push(c.commenterUserId, posted, 'callsCommentsGiven', call.id);
      push(host, posted, 'callsCommentsReceived', call.id);
    }
  }
  for (const r of insights.visibleReviews(at)) {
    for (const f of [
      'callsScorecardsFilled',
      'callsGaveFeedback',
      'callsMarkedAsFeedbackGiven',
      'othersCallsListenedTo',
    ] as const)
      push(r.reviewerUserId, r.reviewMs, f, r.callId);
    for (const f of [
      'callsScorecardsReceived',
      'callsReceivedFeedback',
      'callsMarkedAsFeedbackReceived',
    ] as const)
      push(r.reviewedUserId, r.reviewMs, f, r.callId);
  }
  return events;
}

type CallIdSets = Record<ActivityField, Set<string>>;
const emptySets = (): CallIdSets =>
  Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f, new Set<string>()])) as CallIdSets;
const counts = (s: CallIdSets) => Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f, s[f].size]));
const lists = (s: CallIdSets) => Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f, [...s[f]]]));

/** Per user (only users with activity in [from, to)), per key of `bucket(day)`, the call ids of each field. */
function grouped(
  events: ActivityEvent[],
  from: string,
  to: string,
  users: Set<string> | undefined,
  bucket: (day: string) => string,
): Map<string, Map<string, CallIdSets>> {
  const out = new Map<string, Map<string, CallIdSets>>();
  for (const e of events) {
    if (e.day < from || e.day >= to || (users && !users.has(e.userId))) continue;
    let perUser = out.get(e.userId);
    if (!perUser) out.set(e.userId, (perUser = new Map<string, CallIdSets>()));
    const key = bucket(e.day);
    let sets = perUser.get(key);
    if (!sets) perUser.set(key, (sets = emptySets()));
    sets[e.field].add(e.callId);
  }
  return out;
}

/** The start of the period a day falls in (weeks start on Monday). */
export function periodStart(day: string, period: AggregationPeriod): string {
  const d = new Date(dayMs(day));
  if (period === 'DAY') return day;
  if (period === 'WEEK') return dayAt(dayMs(day) - ((d.getUTCDay() + 6) % 7) * DAY);
  const month =
    period === 'MONTH'
      ? d.getUTCMonth()
      : period === 'QUARTER'
        ? Math.floor(d.getUTCMonth() / 3) * 3
        : 0;
  return dayAt(Date.UTC(d.getUTCFullYear(), month, 1));
}

export interface StatsQuery {
  from: string;
  to: string;
  users: Set<string> | undefined;
  at: number;
}

export class ActivityStats {
  constructor(
    private readonly tenant: Tenant,
    private readonly insights: TenantInsights,
  ) {}

  #offset = () => this.tenant.opts.utcOffset;
  #startOf = (day: string) =>
    formatDate(dayMs(day) - offsetMinutes(this.#offset()) * 60_000, this.#offset());
  #email = (userId: string) => this.tenant.userById(userId)?.meta.emailAddress ?? null;
  /** Users in the tenant's order, so pages are stable. */
  #ordered<T>(m: Map<string, T>): [string, T][] {
    return this.tenant.users.flatMap((u) =>
      m.has(u.meta.id) ? [[u.meta.id, m.get(u.meta.id) as T] as [string, T]] : [],
    );
  }
  #events = (q: StatsQuery) => activityEvents(this.tenant, this.insights, q.at);

  aggregate(q: StatsQuery): Record<string, unknown>[] {
    const g = grouped(this.#events(q), q.from, q.to, q.users, () => 'all');
    return this.#ordered(g).map(([userId, m]) => ({
      userId,
      userEmailAddress: this.#email(userId),
      userAggregateActivityStats: counts(m.get('all') ?? emptySets()),
    }));
  }

  byPeriod(q: StatsQuery, period: AggregationPeriod): Record<string, unknown>[] {
    const g = grouped(this.#events(q), q.from, q.to, q.users, (d) => periodStart(d, period));
    const starts = [...new Set(daysIn(q.from, q.to).map((d) => periodStart(d, period)))];
    return this.#ordered(g).map(([userId, m]) => ({
      userId,
      userEmailAddress: this.#email(userId),
      userAggregateActivity: starts.map((start, i) => {
        const begin = start < q.from ? q.from : start;
        const end = starts[i + 1] ?? q.to;
        return {
          ...counts(m.get(start) ?? emptySets()),
          fromDate: this.#startOf(begin),
          toDate: this.#startOf(end),
        };
      }),
    }));
  }

  dayByDay(q: StatsQuery): Record<string, unknown>[] {
    const g = grouped(this.#events(q), q.from, q.to, q.users, (d) => d);
    const days = daysIn(q.from, q.to);
    return this.#ordered(g).map(([userId, m]) => ({
      userId,
      userEmailAddress: this.#email(userId),
      userDailyActivityStats: days.map((day) => ({
        ...lists(m.get(day) ?? emptySets()),
        fromDate: this.#startOf(day),
        toDate: this.#startOf(nextDay(day)),
      })),
    }));
  }

  /**
   * Averages of the interaction stats of the calls each user hosted in the range, under the names
   * the spec lists for this endpoint: Longest Monologue, Longest Customer Story, Interactivity,
   * Patience and Question Rate (the company side's questions per hour of call). Calls carry a Talk
   * Ratio too; this endpoint does not send it.
   */
  interaction(q: StatsQuery): Record<string, unknown>[] {
    const sums = new Map<string, { n: number; byName: Map<string, number> }>();
    for (const call of this.tenant.visibleCalls(q.at)) {
      const host = call.meta.primaryUserId;
      const day = dayOf(call.startedMs, this.#offset());
      if (!host || day < q.from || day >= q.to || (q.users && !q.users.has(host))) continue;
      let s = sums.get(host);
      if (!s) sums.set(host, (s = { n: 0, byName: new Map() }));
      s.n += 1;
      const { interactionStats, questions } = call.details().interaction;
      const hours = Math.max(1, call.meta.duration ?? 0) / 3600;
      const stats = [
        ...(interactionStats ?? []).filter((x) => x.name !== 'Talk Ratio'),
        { name: 'Question Rate', value: (questions?.companyCount ?? 0) / hours },
      ];
      for (const stat of stats)
        if (stat.name) s.byName.set(stat.name, (s.byName.get(stat.name) ?? 0) + (stat.value ?? 0));
    }
    return this.#ordered(sums).map(([userId, s]) => ({
      userId,
      userEmailAddress: this.#email(userId),
      personInteractionStats: [...s.byName].map(([name, total]) => ({
        name,
        value: Math.round((total / s.n) * 100) / 100,
      })),
    }));
  }

  /** The envelope's window: the range's first and last instants in the company's zone. */
  window(q: StatsQuery): { fromDateTime: string; toDateTime: string; timeZone: string } {
    return {
      fromDateTime: this.#startOf(q.from),
      toDateTime: this.#startOf(q.to),
      timeZone: `UTC${this.#offset()}`,
    };
  }
}
