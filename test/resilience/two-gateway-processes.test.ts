/**
 * Gong's budget is per company, not per process: two real gateway processes (`npm start`'s entry
 * point, built) sharing one real redis-server, in front of one sandbox with a per-second limit:
 * GraphQL queries fired at both at once never put more arrivals in any 1 s window on Gong than
 * the limit, and a redis-server restart in the middle of a run loses no query.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { maxArrivalsInWindow } from '../gong/support/clients.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';

/**
 * The shared limit: low enough that twenty queries at once need three windows of it, so neither
 * process alone could keep within it; above Gong's 3/s so the test waits under two seconds.
 */
const RATE = 7;

type CallAnswer = {
  status: number;
  data?: { gongCall: { id: string; title: string | null } | null };
  errors?: unknown[];
};

async function gongCall(url: string, id: string): Promise<CallAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query ($id: ID!) { gongCall(id: $id) { id title } }',
      variables: { id },
    }),
  });
  return { status: res.status, ...((await res.json()) as Omit<CallAnswer, 'status'>) };
}

describeRedis('two gateway processes sharing one redis-server', () => {
  let redis: RedisServer;
  let sb: Sandbox;
  let gateways: GatewayProcess[] = [];
  let calls: { id: string; title: string | null }[];

  beforeAll(async () => {
    redis = await startRedis();
    sb = await startSandbox({
      users: 20,
      calls: 120,
      rateLimit: { perSecond: RATE, perDay: 10_000 },
    });
    calls = sb.control
      .allCalls()
      .filter((c) => !c.metaData.isPrivate)
      .slice(0, 40)
      .map((c) => ({ id: c.metaData.id, title: c.metaData.title ?? null }));
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'two-procs:',
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      GONG_ACCESS_KEY: sb.accessKey,
      GONG_ACCESS_KEY_SECRET: sb.accessKeySecret,
      GONG_API_BASE_URL: sb.url,
      GATEWAY_AUTH: 'none',
      GONG_RATE_PER_SECOND: String(RATE),
      GONG_QUEUE_TIMEOUT_MS: '30000',
      CACHE_TTL_SECONDS: '0',
      CACHE_MAX_BYTES: '0',
    };
    gateways = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await sb?.close();
    await redis?.stop();
  });
  beforeEach(() => {
    // The shared window still holds the previous run's starts, so it only delays this one; the
    // sandbox forgets them, and the log counts this run alone.
    sb.control.resetRateLimit();
    sb.control.resetLog();
  });

  /** Twenty different calls, alternately through each process, all at once: 20 upstream requests. */
  const fire = (some: { id: string }[]) => some.map((c, i) => gongCall(gateways[i % 2]!.url, c.id));

  const expectAllAnswered = (
    answers: CallAnswer[],
    some: { id: string; title: string | null }[],
  ) => {
    for (const [i, r] of answers.entries()) {
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
      expect(r.data?.gongCall).toEqual(some[i]);
    }
  };

  it('keeps 20 concurrent queries through both processes within the limit in any 1 s, with no 429', async () => {
    const some = calls.slice(0, 20);
    const answers = await Promise.all(fire(some));
    expectAllAnswered(answers, some);
    const log = sb.control.requestLog().filter((e) => e.path.startsWith('/v2/'));
    expect(log).toHaveLength(20);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(maxArrivalsInWindow(log, 1000)).toBeLessThanOrEqual(RATE);
  }, 40_000);

  it('loses no query when redis-server restarts in the middle of a run', async () => {
    const some = calls.slice(20, 40);
    let done = 0;
    let fourDone!: () => void;
    const four = new Promise<void>((r) => (fourDone = r));
    const pending = fire(some).map((p) =>
      p.then((r) => {
        if (++done === 4) fourDone();
        return r;
      }),
    );
    await four;
    expect(done).toBeGreaterThanOrEqual(4);
    expect(done).toBeLessThan(20);
    await redis.restart();
    const answers = await Promise.all(pending);
    expectAllAnswered(answers, some);
    // Every query reached Gong and succeeded exactly once (a 429, if any, was retried).
    const ok = sb.control.requestLog().filter((e) => e.path.startsWith('/v2/') && e.status === 200);
    expect(ok).toHaveLength(20);
    // And the processes carry on sharing the budget after the restart (the restarted Redis lost
    // the window; the sandbox forgets the arrivals that window held).
    sb.control.resetRateLimit();
    sb.control.resetLog();
    const after = calls.slice(0, 12);
    expectAllAnswered(await Promise.all(fire(after)), after);
    const log = sb.control.requestLog();
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(maxArrivalsInWindow(log, 1000)).toBeLessThanOrEqual(RATE);
  }, 60_000);
});
