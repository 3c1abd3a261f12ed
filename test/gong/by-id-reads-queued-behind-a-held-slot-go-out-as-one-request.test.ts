/**
 * The Gong client and transport against the sandbox, with the connection's scheduler in the
 * test's hands: no start is granted until the test says so. By-id reads queued meanwhile go out as
 * one request whose ids are those queued when the slot was granted; what comes later waits for the
 * next request; Gong's per-key quirks stay per key.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGongClient } from '../../src/gong/client.js';
import { createTransport } from '../../src/gong/transport.js';
import type { GongClient } from '../../src/gong/types.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createBreaker } from '../../src/scheduler/breaker.js';
import type { Slot } from '../../src/scheduler/limiter.js';
import type { Scheduler } from '../../src/scheduler/scheduler.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { accessKeyRegistry } from './support/clients.js';

/** A scheduler that grants starts only when told (the edge between the client and the budget). */
function handScheduler() {
  const queued: ((slot: Slot) => void)[] = [];
  let open = false;
  const slot: Slot = { settle: () => undefined };
  const scheduler: Scheduler = {
    acquire: () =>
      open ? Promise.resolve(slot) : new Promise<Slot>((resolve) => queued.push(resolve)),
    pause: () => Promise.resolve(),
    queueTimeoutMs: () => 20_000,
    depth: () => queued.length,
    close: () => undefined,
  };
  return {
    scheduler,
    waiting: () => queued.length,
    /** Grants the starts queued now. */
    grant: () => {
      for (const r of queued.splice(0)) r(slot);
    },
    /** Grants every start from now on. */
    open: () => {
      open = true;
      for (const r of queued.splice(0)) r(slot);
    },
  };
}

/** Lets promise jobs and I/O callbacks run until `check` holds (bounded; no timers). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 20_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ rateLimit: false, users: 20, calls: 40 });
});
afterAll(() => sb.close());
beforeEach(() => {
  sb.control.clearFaults();
  sb.control.resetLog();
});

function setup(maxRetries = 0): {
  gong: GongClient;
  hand: ReturnType<typeof handScheduler>;
  sent: { path: string; body: unknown }[];
  metrics: Metrics;
} {
  const hand = handScheduler();
  const metrics = createMetrics();
  const sent: { path: string; body: unknown }[] = [];
  const transport = createTransport({
    connectionRef: 'default',
    registry: accessKeyRegistry(sb),
    scheduler: hand.scheduler,
    breaker: createBreaker({ threshold: 100, cooldownMs: 1_000 }),
    retry: { maxRetries, baseMs: 1, maxMs: 1 },
    requestTimeoutMs: 5_000,
    metrics,
    // The HTTP edge: records what went on the wire.
    fetch: (url, init) => {
      sent.push({
        path: new URL(url instanceof Request ? url.url : url).pathname,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      return globalThis.fetch(url, init);
    },
  });
  return { gong: createGongClient(transport, { metrics }), hand, sent, metrics };
}

const UNKNOWN_CALL = '1234567890123456789';
const UNKNOWN_USER = '9876543210987654321';
const publicCalls = () =>
  sb.control
    .allCalls()
    .filter((c) => !c.metaData.isPrivate)
    .map((c) => c.metaData.id);
const callIdsOf = (body: unknown) => (body as { filter: { callIds: string[] } }).filter.callIds;
const sum = async (c: { get(): Promise<{ values: { value: number }[] }> }) =>
  (await c.get()).values.reduce((s, v) => s + v.value, 0);

describe('by-id reads queued behind a held slot', () => {
  it('send the ids queued when the slot is granted in one request; each read gets its own calls, an unknown id is absent only from its read', async () => {
    const { gong, hand, sent, metrics } = setup();
    const [a, b, c] = publicCalls();
    const selector = { exposedFields: { parties: true } };
    const reads = [
      gong.callsByIds([a!], selector),
      gong.callsByIds([b!], selector),
      gong.callsByIds([c!, UNKNOWN_CALL], selector),
    ];
    await until(() => hand.waiting() === 1);
    expect(sent).toHaveLength(0);
    hand.grant();
    const [ra, rb, rc] = await Promise.all(reads);
    expect(ra!.map((x) => x.metaData.id)).toEqual([a]);
    expect(rb!.map((x) => x.metaData.id)).toEqual([b]);
    expect(rc!.map((x) => x.metaData.id)).toEqual([c]);
    expect(ra![0]!.parties?.length).toBeGreaterThan(0);

    const log = sb.control.requestLog().filter((e) => e.path === '/v2/calls/extensive');
    expect(log).toHaveLength(1);
    expect(callIdsOf(log[0]!.body).sort()).toEqual([a, b, c, UNKNOWN_CALL].sort());
    expect((log[0]!.body as { contentSelector: unknown }).contentSelector).toEqual(selector);
    expect(await sum(metrics.upstreamMergedRequests)).toBe(1);
    expect(await sum(metrics.upstreamRequestsSaved)).toBe(2);
  });

  it('send a read that arrives after the slot was granted in the next request, and never merge reads of different selectors', async () => {
    const { gong, hand, sent } = setup();
    const [a, b, c] = publicCalls();
    const early = gong.callsByIds([a!], undefined);
    const other = gong.callsByIds([a!], { exposedFields: { content: { brief: true } } });
    await until(() => hand.waiting() === 2);
    hand.grant();
    await until(() => sent.length === 2);
    const late = gong.callsByIds([b!, c!], undefined);
    await until(() => hand.waiting() === 1);
    hand.grant();
    expect((await early).map((x) => x.metaData.id)).toEqual([a]);
    expect((await other).map((x) => x.metaData.id)).toEqual([a]);
    expect((await late).map((x) => x.metaData.id).sort()).toEqual([b, c].sort());
    expect(sent.map((s) => callIdsOf(s.body).sort())).toEqual([[a], [a], [b, c].sort()]);
  });

  it('resend the body built at the first slot when they retry: a read queued meanwhile goes into its own request', async () => {
    const { gong, hand } = setup(1);
    const [a, b] = publicCalls();
    sb.control.addFault({
      pathPrefix: '/v2/calls/extensive',
      count: 1,
      kind: { type: 'status', status: 503 },
    });
    const first = gong.callsByIds([a!], undefined);
    await until(() => hand.waiting() === 1);
    hand.grant();
    // The 503 came back and the retry waits for a slot; now another read arrives.
    await until(() => sb.control.requestLog().length === 1 && hand.waiting() === 1);
    const second = gong.callsByIds([b!], undefined);
    await until(() => hand.waiting() === 2);
    hand.open();
    expect((await first).map((x) => x.metaData.id)).toEqual([a]);
    expect((await second).map((x) => x.metaData.id)).toEqual([b]);
    const log = sb.control.requestLog().filter((e) => e.path === '/v2/calls/extensive');
    expect(log.map((e) => [e.status, callIdsOf(e.body)]).sort()).toEqual(
      [
        [200, [a]],
        [200, [b]],
        [503, [a]],
      ].sort(),
    );
  });

  it("keep Gong's whole-batch 404 for unknown users per read: the known users of one read arrive, the other read's unknown user is absent", async () => {
    const first = setup();
    first.hand.open();
    const [u1, u2] = (await first.gong.listUsers()).items.map((u) => u.id) as [string, string];
    sb.control.resetLog();
    const h2 = setup();
    const known = h2.gong.usersByIds([u1, u2]);
    const unknown = h2.gong.usersByIds([UNKNOWN_USER]);
    await until(() => h2.hand.waiting() === 1);
    h2.hand.open();
    expect((await known).map((u) => u.id).sort()).toEqual([u1, u2].sort());
    expect(await unknown).toEqual([]);
    const log = sb.control.requestLog().filter((e) => e.path === '/v2/users/extensive');
    // One merged request (Gong: 404 naming the unknown id), then the known ids again.
    expect(
      log.map((e) => [
        e.status,
        (e.body as { filter: { userIds: string[] } }).filter.userIds.sort(),
      ]),
    ).toEqual([
      [404, [u1, u2, UNKNOWN_USER].sort()],
      [200, [u1, u2].sort()],
    ]);
  });

  it('ask again per read when Gong refuses the merged request as invalid (400), and fail every read once for a server error', async () => {
    const { gong, hand } = setup();
    const [a, b] = publicCalls();
    sb.control.addFault({
      pathPrefix: '/v2/calls/transcript',
      count: 1,
      kind: { type: 'status', status: 400 },
    });
    const reads = [gong.transcriptsByIds([a!]), gong.transcriptsByIds([b!])];
    await until(() => hand.waiting() === 1);
    hand.open();
    const [ta, tb] = await Promise.all(reads);
    expect(ta!.map((t) => t.callId)).toEqual([a]);
    expect(tb!.map((t) => t.callId)).toEqual([b]);
    const log = sb.control.requestLog().filter((e) => e.path === '/v2/calls/transcript');
    expect(log.map((e) => [e.status, callIdsOf(e.body).sort()])).toEqual([
      [400, [a, b].sort()],
      [200, [a]],
      [200, [b]],
    ]);

    sb.control.resetLog();
    sb.control.addFault({
      pathPrefix: '/v2/calls/transcript',
      count: 1,
      kind: { type: 'status', status: 500 },
    });
    const failing = setup();
    const both = [failing.gong.transcriptsByIds([a!]), failing.gong.transcriptsByIds([b!])];
    await until(() => failing.hand.waiting() === 1);
    failing.hand.open();
    for (const r of both) await expect(r).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(sb.control.requestLog().filter((e) => e.path === '/v2/calls/transcript')).toHaveLength(
      1,
    );
  });
});
