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
