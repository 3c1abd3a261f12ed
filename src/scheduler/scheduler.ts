/**
 * One upstream scheduler per connection: every request start waits here for the connection's
 * limiter. Waiters form a bounded priority queue (interactive, then background, then the
 * reconciler's sweeps), each with a deadline; within a class, operations take turns (round-robin
 * by the operation a request is for, FIFO within one operation), so one client's long queue does
 * not starve another's interactive reads. One pump per instance asks the limiter for a start and
 * hands it to the next waiter. Work that cannot be served in time fails with UPSTREAM_RATE_LIMITED
 * and a `retryAfter`, and never by sending more to Gong.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import { PRIORITIES, type Priority } from './priority.js';
import type { Metrics } from '../observability/metrics.js';
import { budgetWaitSpan, type WaitSpan } from '../observability/upstream-spans.js';
import type { Acquisition, RateLimiter, Slot } from './limiter.js';
import { currentOperation } from './operation-scope.js';
import { asError } from '../util/promised.js';

/** The owner of work done outside any operation (the poller, webhooks): one turn among the others. */
const NO_OWNER = {};

export interface SchedulerOptions {
  connectionRef: string;
  limiter: RateLimiter;
  /** Waiters beyond this fail fast (GONG_QUEUE_MAX). */
  queueMax: number;
  /** Longest an interactive waiter waits (GONG_QUEUE_TIMEOUT_MS). */
  queueTimeoutMs: number;
  /** Background waiters wait this many times longer. @default 10 */
  backgroundTimeoutFactor?: number;
  metrics?: Metrics;
  now?: () => number;
}

export interface AcquireOptions {
  priority?: Priority;
  /** Whose turn this is (the operation); default: the current operation scope's owner. */
  owner?: object;
  /** Absolute time (ms) after which the caller no longer wants a start; the queue timeout applies too. */
  deadline?: number;
  signal?: AbortSignal;
}

export interface Scheduler {
  /**
   * Resolves when this caller may start one upstream request, with the slot to settle once the
   * answer (or failure) is known; rejects UPSTREAM_RATE_LIMITED (or the abort reason).
   */
  acquire(opts?: AcquireOptions): Promise<Slot>;
  /** A 429 said to wait `ms`: every start of the connection waits. */
  pause(ms: number): Promise<void>;
  /** How long a waiter of this priority may wait. */
  queueTimeoutMs(priority: Priority): number;
  depth(): number;
  /** Rejects every waiter (shutdown). */
  close(): void;
}

interface Waiter {
  priority: Priority;
  owner: object;
  deadline: number;
  resolve: (slot: Slot) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
  done: boolean;
  span: WaitSpan;
}

const rateLimited = (message: string, retryAfterMs: number) =>
  new GatewayError(ErrorCode.UPSTREAM_RATE_LIMITED, message, {
    retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const now = opts.now ?? Date.now;
  const factor = opts.backgroundTimeoutFactor ?? 10;
  // Per class, each owner's FIFO; the Map's order is the turn order (an owner served moves last).
  const queues: Record<Priority, Map<object, Waiter[]>> = {
    interactive: new Map(),
    background: new Map(),
    reconcile: new Map(),
  };
  const sizes: Record<Priority, number> = { interactive: 0, background: 0, reconcile: 0 };
  const waiting = (): Waiter[] => PRIORITIES.flatMap((p) => [...queues[p].values()].flat());
  const labels = { connection: opts.connectionRef };
  let pumping = false;
  let closed = false;
  let sleepTimer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  /** Last wait the limiter reported: the best guess of a retryAfter for waiters that time out. */
  let lastWaitMs = 1000;

  const depth = () => PRIORITIES.reduce((n, p) => n + sizes[p], 0);
  const report = () => opts.metrics?.rateLimitQueueDepth.set(labels, depth());
  const timeoutOf = (p: Priority) =>
    p === 'interactive' ? opts.queueTimeoutMs : opts.queueTimeoutMs * factor;

  const settle = (w: Waiter, err?: unknown, slot?: Slot) => {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.timer);
    const q = queues[w.priority];
    const mine = q.get(w.owner);
    const i = mine ? mine.indexOf(w) : -1;
    if (mine && i >= 0) {
      mine.splice(i, 1);
      sizes[w.priority] -= 1;
      // Served (or gone): the owner's next waiter takes its turn after every other owner's.
      q.delete(w.owner);
      if (mine.length > 0) q.set(w.owner, mine);
    }
    report();
    w.span.end(err);
    if (slot) w.resolve(slot);
    else w.reject(err);
  };

  const head = (p: Priority): Waiter | undefined => queues[p].values().next().value?.[0];
  const first = (): Waiter | undefined =>
    head('interactive') ?? head('background') ?? head('reconcile');

  /** A pause or spent budget that outlasts a waiter's deadline fails it now, with the real retryAfter. */
  const failThoseWhoCannotWait = (a: Extract<Acquisition, { ok: false }>) => {
    if (a.reason === 'rate') return;
    const readyAt = now() + a.waitMs;
    const why =
      a.reason === 'paused'
        ? 'Gong asked us to pause (429 Retry-After)'
        : "today's Gong request budget is spent";
    for (const w of waiting())
      if (w.deadline < readyAt)
        settle(
          w,
          rateLimited(
            `No upstream request can start before this request's deadline: ${why}`,
            a.waitMs,
          ),
        );
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      sleepTimer = setTimeout(resolve, ms);
    }).finally(() => {
      wake = undefined;
      sleepTimer = undefined;
    });

  /** A settled slot can free the window early (a fast answer): let a sleeping pump look again. */
  const wakeOnSettle = (slot: Slot): Slot => {
    let once = false;
    return {
      async settle() {
        if (once) return;
        once = true;
        await slot.settle();
        if (sleepTimer) clearTimeout(sleepTimer);
        wake?.();
      },
    };
  };

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (!closed && first()) {
        const a = await opts.limiter.tryAcquire();
        opts.metrics?.dailyBudgetRemaining.set(labels, a.remainingToday);
        if (a.ok) {
          // The head may have timed out while the limiter answered; the start then goes unused.
          const w = first();
          if (w) settle(w, undefined, wakeOnSettle(a.slot));
          else void a.slot.settle();
          continue;
        }
        lastWaitMs = a.waitMs;
        failThoseWhoCannotWait(a);
        if (!first()) break;
        await sleep(Math.max(1, a.waitMs));
      }
    } finally {
      pumping = false;
    }
  }

  return {
    acquire(o = {}) {
      const priority = o.priority ?? 'interactive';
      if (closed)
        return Promise.reject(
          new GatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The Gong scheduler is shut down'),
        );
      if (o.signal?.aborted) return Promise.reject(asError(o.signal.reason));
      if (depth() >= opts.queueMax)
        return Promise.reject(
          rateLimited(
            `Too many requests are waiting for this connection's Gong budget (queue limit ${opts.queueMax})`,
            lastWaitMs,
          ),
        );
      const since = now();
      const deadline = Math.min(
        since + timeoutOf(priority),
        o.deadline ?? Number.POSITIVE_INFINITY,
      );
      return new Promise<Slot>((resolve, reject) => {
        const w: Waiter = {
          priority,
          owner: o.owner ?? currentOperation()?.owner ?? NO_OWNER,
          deadline,
          resolve,
          reject,
          done: false,
          timer: undefined as unknown as ReturnType<typeof setTimeout>,
          span: budgetWaitSpan(opts.connectionRef, priority, depth()),
        };
        w.timer = setTimeout(
          () =>
            settle(
              w,
              rateLimited(
                `No free slot in this connection's Gong budget within the deadline (waited ${now() - since} ms, ${depth()} waiting)`,
                lastWaitMs,
              ),
            ),
          Math.max(0, deadline - now()),
        );
        // A waiter whose client went away is dropped before anything is sent.
        o.signal?.addEventListener('abort', () => settle(w, asError(o.signal?.reason)), {
          once: true,
        });
        const q = queues[priority];
        const mine = q.get(w.owner);
        if (mine) mine.push(w);
        else q.set(w.owner, [w]);
        sizes[priority] += 1;
        report();
        void pump();
      });
    },

    async pause(ms) {
      await opts.limiter.pause(ms);
      // The pump may be sleeping on a shorter rate wait; it re-reads the limiter anyway.
    },

    queueTimeoutMs: timeoutOf,
    depth,

    close() {
      closed = true;
      if (sleepTimer) clearTimeout(sleepTimer);
      wake?.();
      const err = new GatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'The Gong scheduler is shut down',
      );
      for (const w of waiting()) settle(w, err);
    },
  };
}
