/**
 * One client's long queue must not starve another's interactive reads: within a priority class
 * the connection's queue serves the operations in turn (round-robin by the operation a request
 * is for, FIFO within one), and a waiter whose client went away is dropped before it is served.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLimiter } from '../../src/scheduler/limiter.js';
import { runInOperation } from '../../src/scheduler/operation-scope.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';

const make = () =>
  createScheduler({
    connectionRef: 'c1',
    limiter: createMemoryLimiter({
      perSecond: 1,
      perDay: 1000,
      safetyMarginMs: 0,
      arrivalSlackMs: 0,
    }),
    queueMax: 100,
    queueTimeoutMs: 60_000,
  });

describe('operations take turns in a connection queue', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('serves two operations alternately, whoever queued first and most', async () => {
    const s = make();
    await s.acquire(); // fills the 1/s window: everything below waits
    const order: string[] = [];
    const a = {};
    const b = {};
    const queue = (owner: object, name: string) =>
      runInOperation({ owner }, () => s.acquire()).then(() => order.push(name));
    const all = [
      queue(a, 'a1'),
      queue(a, 'a2'),
      queue(a, 'a3'),
      queue(a, 'a4'),
      queue(b, 'b1'),
      queue(b, 'b2'),
    ];
    await vi.advanceTimersByTimeAsync(7_000);
    await Promise.all(all);
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'a4']);
  });

  it("drops an operation's waiters once its client went away: they are never served", async () => {
    const s = make();
    await s.acquire();
    const gone = new AbortController();
    const order: string[] = [];
    const left = [1, 2, 3].map((i) =>
      runInOperation({ owner: gone, signal: gone.signal }, () =>
        s.acquire({ signal: gone.signal }),
      ).then(
        () => order.push(`gone${i}`),
        () => order.push(`dropped${i}`),
      ),
    );
    const stays = runInOperation({ owner: {} }, () => s.acquire()).then(() => order.push('stays'));
    gone.abort();
    await Promise.all(left);
    expect(s.depth()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await stays;
    expect(order).toEqual(['dropped1', 'dropped2', 'dropped3', 'stays']);
  });
});
