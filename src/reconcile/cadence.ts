/**
 * How often a connection can be swept within its share of Gong's budget. A sweep costs one request
 * per 100 calls of its range (plus a by-id confirmation per 100 calls gone missing), so the cost of
 * the configured cadence grows with the tenant; when it would pass the share, both intervals
 * stretch by the same factor and the metric and /readyz say so. Pure: the bench uses it too.
 */

const DAY_MS = 86_400_000;
/** The recent sweep's range: the last 24 hours. */
export const RECENT_RANGE_MS = DAY_MS;

export interface CadenceSettings {
  /** RECONCILE_RECENT_INTERVAL_SECONDS in ms. */
  recentIntervalMs: number;
  /** RECONCILE_INTERVAL_SECONDS in ms. */
  intervalMs: number;
  /** RECONCILE_BUDGET_SHARE × GONG_DAILY_BUDGET: requests a day. */
  dailyCap: number;
}

/** Requests the last sweep of each kind cost (unknown before the first). */
export interface SweepCosts {
  recent: number | undefined;
  full: number | undefined;
}

export interface Cadence {
  recentMs: number;
  fullMs: number;
  /** ≥ 1; 1 is the configured cadence. */
  stretch: number;
  /** Requests a day at this cadence. */
  perDay: number;
}

/** A sweep that found nothing still asks once. */
const atLeastOne = (n: number | undefined) => Math.max(1, n ?? 1);

export function cadence(s: CadenceSettings, costs: SweepCosts): Cadence {
  const full = atLeastOne(costs.full);
  const recent = atLeastOne(costs.recent);
  // A full sweep covers the recent range too: recent sweeps fill the slots between full ones.
  const perDayAt = (stretch: number) => {
    const fullPerDay = DAY_MS / (s.intervalMs * stretch);
    const recentPerDay = Math.max(0, DAY_MS / (s.recentIntervalMs * stretch) - fullPerDay);
    return fullPerDay * full + recentPerDay * recent;
  };
  const configured = perDayAt(1);
  const stretch = s.dailyCap <= 0 ? Infinity : Math.max(1, configured / s.dailyCap);
  return {
    recentMs: s.recentIntervalMs * stretch,
    fullMs: s.intervalMs * stretch,
    stretch,
    perDay: Number.isFinite(stretch) ? perDayAt(stretch) : 0,
  };
}
