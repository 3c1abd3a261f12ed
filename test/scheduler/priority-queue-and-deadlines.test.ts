import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { createMemoryLimiter } from '../../src/scheduler/limiter.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createMetrics } from '../../src/observability/metrics.js';

const make = (
  over: Partial<Parameters<typeof createScheduler>[0]> = {},
  rate = { perSecond: 1, perDay: 1000 },
) =>
  createScheduler({
    connectionRef: 'c1',
    limiter: createMemoryLimiter({ ...rate, safetyMarginMs: 0, arrivalSlackMs: 0 }),
    queueMax: 100,
    queueTimeoutMs: 10_000,
    ...over,
  });

const failure = async (p: Promise<unknown>): Promise<GatewayError> => {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(e)}`);
  return e;
};

describe('the per-connection scheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('serves interactive waiters before background ones, FIFO within a class', async () => {
    const s = make();
    await s.acquire(); // fills the 1/s window
    const order: string[] = [];
    const track = (name: string, priority: 'interactive' | 'background') =>
      s.acquire({ priority }).then(() => order.push(name));
    const all = [
      track('b1', 'background'),
      track('b2', 'background'),
      track('i1', 'interactive'),
      track('i2', 'interactive'),
    ];
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(all);
    expect(order).toEqual(['i1', 'i2', 'b1', 'b2']);
  });

  it("serves the reconciler's sweeps after every interactive and background waiter", async () => {
    const s = make();
    await s.acquire();
    const order: string[] = [];
    const track = (name: string, priority: 'interactive' | 'background' | 'reconcile') =>
      s.acquire({ priority }).then(() => order.push(name));
    const all = [
      track('r1', 'reconcile'),
      track('b1', 'background'),
      track('r2', 'reconcile'),
      track('i1', 'interactive'),
    ];
    await vi.advanceTimersByTimeAsync(1_500);
    // An interactive read arriving while sweeps wait still goes first.
    all.push(track('i2', 'interactive'));
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(all);
    expect(order).toEqual(['i1', 'i2', 'b1', 'r1', 'r2']);
  });

  it('admits one start per window: four waiters at 1/s take three more seconds', async () => {
    const s = make();
    const served: number[] = [];
    const all = [1, 2, 3, 4].map(() => s.acquire().then(() => served.push(Date.now())));
    await vi.advanceTimersByTimeAsync(3_000);
    await Promise.all(all);
    expect(served.map((t) => t - 1_000_000)).toEqual([0, 1000, 2000, 3000]);
  });

  it('fails fast with UPSTREAM_RATE_LIMITED when the queue is full, and reports the depth', async () => {
    const metrics = createMetrics();
    const s = make({ queueMax: 2, metrics });
    await s.acquire();
    const waiting = [s.acquire(), s.acquire()];
    const e = await failure(s.acquire());
    expect(e.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(e.message).toMatch(/queue limit 2/);
    expect(e.details.retryAfter).toBeGreaterThanOrEqual(1);
    expect((await metrics.rateLimitQueueDepth.get()).values[0]?.value).toBe(2);
    await vi.advanceTimersByTimeAsync(3_000);
    await Promise.all(waiting);
    expect(s.depth()).toBe(0);
  });

  it('fails a waiter at its deadline with UPSTREAM_RATE_LIMITED and a retryAfter in seconds', async () => {
    const s = make({ queueTimeoutMs: 500 }, { perSecond: 0.25, perDay: 1000 });
    await s.acquire();
    const late = failure(s.acquire());
    await vi.advanceTimersByTimeAsync(499);
    expect(s.depth()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const e = await late;
    expect(e.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(e.details.retryAfter).toBe(4);
  });

  it('gives background work ten times the interactive queue timeout', async () => {
    const s = make({ queueTimeoutMs: 500 }, { perSecond: 0.1, perDay: 1000 });
    expect(s.queueTimeoutMs('background')).toBe(5000);
    await s.acquire();
    const bg = failure(s.acquire({ priority: 'background' }));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(s.depth()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await bg).code).toBe('UPSTREAM_RATE_LIMITED');
  });

  it('fails right away, with the real retryAfter, a waiter whose deadline ends before a 429 pause does', async () => {
    const s = make({ queueTimeoutMs: 2_000 });
    await s.pause(60_000);
    const e = await failure(s.acquire());
    expect(e.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(e.details.retryAfter).toBe(60);
    expect(Date.now()).toBe(1_000_000); // no time passed: not a timeout
  });

  it('lets waiters whose deadline outlasts the pause start when it ends', async () => {
    const s = make({ queueTimeoutMs: 10_000 });
    await s.pause(3_000);
    let startedAt = 0;
    const p = s.acquire().then(() => (startedAt = Date.now()));
    await vi.advanceTimersByTimeAsync(3_000);
    await p;
    expect(startedAt - 1_000_000).toBe(3_000);
  });

  it('passes an abort through and frees the slot for the next waiter', async () => {
    const s = make();
    await s.acquire();
    const ac = new AbortController();
    const aborted = s.acquire({ signal: ac.signal }).catch((e: unknown) => e);
    const next = s.acquire();
    ac.abort(new Error('client went away'));
    expect(await aborted).toMatchObject({ message: 'client went away' });
    await vi.advanceTimersByTimeAsync(1_000);
    await next;
    expect(s.depth()).toBe(0);
  });

  it('rejects every waiter on close', async () => {
    const s = make();
    await s.acquire();
    const w = failure(s.acquire());
    s.close();
    expect((await w).code).toBe('UPSTREAM_UNAVAILABLE');
  });
});
