/**
 * The reconciler: Gong announces no change to a processed call, so each connection in use is
 * re-read on a tiered cadence (./sweep.ts): the last 24 hours every RECONCILE_RECENT_INTERVAL_SECONDS,
 * the whole RECONCILE_WINDOW_DAYS every RECONCILE_INTERVAL_SECONDS, stretched (./cadence.ts) so it
 * never spends more than RECONCILE_BUDGET_SHARE of the day's budget. One instance sweeps a
 * connection at a time (a lock in the index store); the sweep times live there too, so two
 * instances sweep each connection once per interval. A timer looks for due sweeps; `tick()` runs
 * them now (tests move the clock, then tick).
 */
import { randomUUID } from 'node:crypto';
import type { GongClient } from '../gong/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Activity } from './activity.js';
import { cadence, RECENT_RANGE_MS, type Cadence } from './cadence.js';
import type { CallIndex } from './call-index.js';
import type { Feeder, Publish } from './feed.js';
import type { IndexStore } from './index-store.js';
import { sweepRange, type SweepResult } from './sweep.js';

export type SweepKind = 'recent' | 'full';

export interface ReconcilerSettings {
  recentIntervalMs: number;
  intervalMs: number;
  windowMs: number;
  /** RECONCILE_BUDGET_SHARE × GONG_DAILY_BUDGET; 0 turns sweeping off. */
  dailyCap: number;
  /** How long a deleted call's tombstone outlives it (EVENT_RETENTION_HOURS: a replay must still skip it). */
  tombstoneMs: number;
}

export interface ReconcilerOptions {
  index: CallIndex;
  store: IndexStore;
  feeder: Feeder;
  publish: Publish;
  client(ref: string): GongClient;
  activity: Activity;
  settings: ReconcilerSettings;
  now: () => number;
  logger?: Logger;
  metrics?: Metrics;
  /** How often the timer looks for due sweeps. @default min(1 s, half the recent interval) */
  tickMs?: number;
}

export interface SweepReport extends SweepResult {
  ref: string;
  kind: SweepKind;
}

export interface Reconciler {
  /** Runs every sweep due now, for every connection in use; resolves when they are done. */
  tick(): Promise<SweepReport[]>;
  /** Whether the connection's index is still being built (its first full sweep has not completed within the window). */
  quiet(ref: string): Promise<boolean>;
  /** One line for /readyz: whether any connection's cadence had to stretch. */
  readiness(): string;
  start(): void;
  close(): Promise<void>;
}

/** Longer than any wait of one sweep request; renewed before each. */
const LOCK_MS = 5 * 60_000;

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function createReconciler(opts: ReconcilerOptions): Reconciler {
  const { store, settings: s, now } = opts;
  const owner = randomUUID();
  const stretched = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SweepReport[]> | undefined;
  let closed = false;

  const planOf = (meta: Record<string, string>): Cadence =>
    cadence(
      { recentIntervalMs: s.recentIntervalMs, intervalMs: s.intervalMs, dailyCap: s.dailyCap },
      { recent: num(meta.recentCost), full: num(meta.fullCost) },
    );

  const dueOf = (
    meta: Record<string, string>,
    plan: Cadence,
    at: number,
  ): SweepKind | undefined => {
    // A sweep the day's share cut short goes on as soon as there is share again.
    if (meta.resumeKind === 'full' || meta.resumeKind === 'recent') return meta.resumeKind;
    const fullAt = num(meta.fullAt);
    const recentAt = num(meta.recentAt);
    if (fullAt === undefined || at - fullAt >= plan.fullMs) return 'full';
    if (recentAt === undefined || at - recentAt >= plan.recentMs) return 'recent';
    return undefined;
  };

  const report = (ref: string, plan: Cadence) => {
    stretched.set(ref, plan.stretch);
    opts.metrics?.reconcileStretch.set({ connection: ref }, plan.stretch);
    opts.metrics?.reconcileIntervalSeconds.set(
      { connection: ref, sweep: 'recent' },
      plan.recentMs / 1000,
    );
    opts.metrics?.reconcileIntervalSeconds.set(
      { connection: ref, sweep: 'full' },
      plan.fullMs / 1000,
    );
  };

  async function maybeSweep(ref: string): Promise<SweepReport | undefined> {
    const before = await store.meta(ref);
    const plan = planOf(before);
    report(ref, plan);
    const at = now();
    if (!dueOf(before, plan, at) || (await store.spent(ref, utcDay(at))) >= s.dailyCap)
      return undefined;
    if (!(await store.lock(ref, owner, LOCK_MS))) return undefined;
    try {
      // Read again under the lock: another instance may have just swept.
      const meta = await store.meta(ref);
      const kind = dueOf(meta, plan, at);
      if (!kind) return undefined;
      const resumed = meta.resumeKind === kind ? num(meta.resumeFrom) : undefined;
      const from = resumed ?? at - (kind === 'full' ? s.windowMs : RECENT_RANGE_MS);
      const result = await sweepRange(
        {
          client: opts.client(ref),
          index: opts.index,
          drain: () => opts.feeder.drain(ref),
          publish: (changes) => opts.publish(ref, changes),
          spend: async () => {
            const ok = await store.spend(ref, utcDay(now()), 1, s.dailyCap);
            if (ok) opts.metrics?.reconcileRequests.inc({ connection: ref, sweep: kind });
            return ok;
          },
          // Shutting down stops a sweep between two requests; the next instance's tick redoes it.
          keepLock: async () => !closed && (await store.renew(ref, owner, LOCK_MS)),
          basic: meta.basic === '1',
        },
        from,
        at,
      );
      opts.metrics?.reconcileSweeps.inc({ connection: ref, sweep: kind, outcome: result.outcome });
      const fields: Record<string, string> = result.basic ? { basic: '1' } : {};
      const cost = (resumed !== undefined ? (num(meta.resumeCost) ?? 0) : 0) + result.requests;
      if (result.outcome === 'done') {
        Object.assign(fields, {
          recentAt: String(at),
          resumeKind: '',
          resumeFrom: '',
          resumeCost: '',
        });
        if (kind === 'full') {
          fields.fullAt = String(at);
          fields.fullCost = String(cost);
          await opts.index.prune(ref, at - s.windowMs, s.tombstoneMs);
        } else fields.recentCost = String(cost);
      } else if (result.outcome === 'budget' && result.reached !== undefined)
        Object.assign(fields, {
          resumeKind: kind,
          resumeFrom: String(result.reached),
          resumeCost: String(cost),
        });
      await store.setMeta(ref, fields);
      return { ...result, ref, kind };
    } finally {
      await store.unlock(ref, owner);
    }
  }

  async function run(): Promise<SweepReport[]> {
    const out: SweepReport[] = [];
    if (s.dailyCap <= 0) return out;
    for (const ref of await opts.activity.inUse()) {
      if (closed) break;
      try {
        const r = await maybeSweep(ref);
        if (r) out.push(r);
      } catch (err) {
        opts.metrics?.reconcileSweeps.inc({ connection: ref, sweep: 'recent', outcome: 'failed' });
        opts.logger?.warn(
          { connection: ref, err: err instanceof Error ? err.message : String(err) },
          'reconciler sweep failed; it runs again at the next tick',
        );
      }
    }
    return out;
  }

  const tick = async (): Promise<SweepReport[]> => {
    // A tick asked for while one runs waits for it, then looks again (the clock may have moved).
    while (running) await running.catch(() => undefined);
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    tick,
    async quiet(ref) {
      const fullAt = num((await store.meta(ref)).fullAt);
      return fullAt === undefined || now() - fullAt >= s.windowMs;
    },
    readiness() {
      const over = [...stretched.values()].filter((x) => x > 1);
      if (s.dailyCap <= 0) return 'off (RECONCILE_BUDGET_SHARE=0)';
      if (over.length === 0) return 'ok';
      const worst = Math.max(...over);
      return `${over.length} of ${stretched.size} connections swept ${Number.isFinite(worst) ? `up to ${worst.toFixed(1)}×` : ''} slower than configured to stay within RECONCILE_BUDGET_SHARE (gong_gateway_reconcile_stretch)`;
    },
    start() {
      if (timer || s.dailyCap <= 0) return;
      const every = opts.tickMs ?? Math.max(10, Math.min(1_000, s.recentIntervalMs / 2));
      timer = setInterval(() => {
        if (!running) void tick().catch(() => undefined);
      }, every);
      timer.unref();
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
