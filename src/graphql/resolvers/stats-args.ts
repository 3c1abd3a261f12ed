/** Argument checks of the stats fields: company-local days and their ranges. */
import { badInput } from '../../errors.js';
import { GongDate } from '../../gong/wire-stats.js';

/** A day `YYYY-MM-DD` (the stats endpoints' format); anything else is BAD_USER_INPUT, not a Gong round trip. */
export function gongDay(value: string, arg: string): string {
  if (!GongDate.safeParse(value).success || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw badInput(
      `${arg} must be a day YYYY-MM-DD (in the company's time zone), but got: ${JSON.stringify(value)}`,
      { field: arg },
    );
  return value;
}

const optionalDay = (value: string | null | undefined, arg: string) =>
  value == null ? undefined : gongDay(value, arg);

/** `[from, to)` with optional bounds; from must be before to. */
export function dayRange(
  from: string | null | undefined,
  to: string | null | undefined,
): { from?: string; to?: string } {
  const f = optionalDay(from, 'from');
  const t = optionalDay(to, 'to');
  if (f !== undefined && t !== undefined && f >= t)
    throw badInput(`from must be before to, but got from=${f} to=${t}`, { field: 'from' });
  return { ...(f === undefined ? {} : { from: f }), ...(t === undefined ? {} : { to: t }) };
}

/** Both bounds required (the activity endpoints need them). */
export function requiredDayRange(from: string, to: string): { from: string; to: string } {
  const r = dayRange(from, to);
  return { from: r.from as string, to: r.to as string };
}

/**
 * Reviews are read over a bounded range: without `from`, the last `REVIEW_DEFAULT_DAYS` days (UTC
 * days back from now), so an open range cannot page through a company's whole review history.
 */
export const REVIEW_DEFAULT_DAYS = 90;

/** `[from, to)` of review days for scorecardsGiven / scorecardsReceived, `from` defaulted. */
export function reviewRange(
  from: string | null | undefined,
  to: string | null | undefined,
  now: number,
): { from: string; to?: string } {
  const r = dayRange(from, to);
  const fallback = new Date(now - REVIEW_DEFAULT_DAYS * 86_400_000).toISOString().slice(0, 10);
  const start = r.from ?? (r.to !== undefined && r.to <= fallback ? undefined : fallback);
  if (start === undefined)
    throw badInput(
      `from is needed when to (${r.to}) is more than ${REVIEW_DEFAULT_DAYS} days back`,
      { field: 'from' },
    );
  return { ...r, from: start };
}
