/**
 * Gong's faults seen at the GraphQL level: while the sandbox (with a rate limit, as Gong has)
 * injects 429 storms, 5xx bursts, latency spikes, resets and malformed JSON, every query through
 * HTTP either returns the fault-free answer or the right typed error, and Gong never sees more
 * arrivals in any 1 s window than its limit. The limit is higher than Gong's 3/s so the scenarios
 * do not wait on it: the limiter's own window is proven at 3/s in test/gong/burst-stays-within-gong-rate.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/sandbox/types.js';
import { maxArrivalsInWindow } from '../gong/support/clients.js';
import { codes, startHarness, type GraphQLResponse, type Harness } from '../read/harness.js';

const FROM = new Date(Date.now() - 60 * 86_400_000).toISOString();
const TO = new Date(Date.now() - 86_400_000).toISOString();
const QUERY = `{
  gongCalls(first: 10, filter: { from: "${FROM}", to: "${TO}" }) { nodes { id title started primaryUser { id firstName emailAddress } } }
  gongUsers(first: 5) { nodes { id emailAddress } }
}`;
const USERS = '{ gongUsers(first: 5) { nodes { id } } }';

/** A sandbox limit the gateway's budget matches, short retries and deadlines. */
const RATE = 30;
const sandbox = { users: 20, calls: 200, rateLimit: { perSecond: RATE, perDay: 10_000 } };
const env = {
  GONG_RATE_PER_SECOND: String(RATE),
  GONG_MAX_RETRIES: '3',
  GONG_REQUEST_TIMEOUT_MS: '1000',
  GONG_QUEUE_TIMEOUT_MS: '15000',
  GONG_BREAKER_THRESHOLD: '50',
  GONG_BREAKER_COOLDOWN_MS: '500',
};

/** Retries back off in milliseconds here: what is tested is that they happen, not their pace. */
const deps = () => ({ gongLimits: { retryBaseMs: 10, retryMaxMs: 50 } });

const errorOf = (r: GraphQLResponse) => r.errors?.[0]?.extensions ?? {};

describe('GraphQL queries under recoverable faults', () => {
  let h: Harness;
  let baseline: GraphQLResponse;
  beforeAll(async () => {
    h = await startHarness({ sandbox, env, deps });
    baseline = await h.gql(QUERY);
  });
  afterEach(() => {
    // Every scenario, faults included, stays inside Gong's window and never meets a real 429.
    const log = h.upstream();
    expect(maxArrivalsInWindow(log, 1000)).toBeLessThanOrEqual(RATE);
    h.sandbox.control.clearFaults();
    h.reset();
  });
  afterAll(() => h.close());

  it('has a fault-free answer to compare with', () => {
    expect(baseline.errors).toBeUndefined();
    const data = baseline.data as {
      gongCalls: { nodes: { primaryUser: unknown }[] };
      gongUsers: { nodes: unknown[] };
    };
    expect(data.gongCalls.nodes).toHaveLength(10);
    expect(data.gongCalls.nodes.every((n) => n.primaryUser !== null)).toBe(true);
    expect(data.gongUsers.nodes).toHaveLength(5);
  });

  const recoverable: [string, FaultRule[]][] = [
    [
      'a 429 storm with Retry-After',
      [{ kind: { type: 'status', status: 429, retryAfterSeconds: 1 }, count: 3 }],
    ],
    // One request consumes every matching rule at once, so a burst is one rule with a count.
    ['a burst of 500s', [{ kind: { type: 'status', status: 500 }, count: 3 }]],
    [
      'a burst of 502s on the users endpoint',
      [{ pathPrefix: '/v2/users', kind: { type: 'status', status: 502 }, count: 3 }],
    ],
    [
      'a burst of 503s on the calls endpoint',
      [{ pathPrefix: '/v2/calls', kind: { type: 'status', status: 503 }, count: 3 }],
    ],
    [
      'a latency spike beyond the attempt timeout',
      [{ kind: { type: 'latency', ms: 1500 }, count: 2 }],
    ],
    ['connection resets', [{ kind: { type: 'reset' }, count: 3 }]],
    ['malformed JSON', [{ kind: { type: 'malformed' }, count: 2 }]],
  ];

  it.each(recoverable)(
    'returns the fault-free answer through %s',
    async (_name, rules) => {
      for (const rule of rules) h.sandbox.control.addFault(rule);
      const answers = await Promise.all([h.gql(QUERY), h.gql(QUERY), h.gql(QUERY)]);
      for (const r of answers) {
        expect(r.status).toBe(200);
        expect(r.errors).toBeUndefined();
        expect(r.data).toEqual(baseline.data);
      }
      // The injected statuses did reach the gateway (random rules may not fire).
      const injected = rules
        .filter((r) => r.rate === undefined && r.kind.type === 'status')
        .reduce((n, r) => n + (r.count ?? 0), 0);
      expect(h.upstream().filter((e) => e.status >= 429).length).toBeGreaterThanOrEqual(injected);
    },
    30_000,
  );

  it('rides out a 429 storm without a single 429 of its own making', async () => {
    h.sandbox.control.addFault({
      kind: { type: 'status', status: 429, retryAfterSeconds: 1 },
      count: 2,
    });
    const r = await h.gql(QUERY);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual(baseline.data);
    const log = h.upstream();
    // Only the injected ones: the pause held every start of the connection.
    expect(log.filter((e) => e.status === 429)).toHaveLength(2);
  }, 30_000);

  it("answers UPSTREAM_ERROR with Gong's requestId when 5xx never stops", async () => {
    h.sandbox.control.addFault({ pathPrefix: '/v2/users', kind: { type: 'status', status: 503 } });
    const r = await h.gql(USERS);
    expect(r.status).toBe(200);
    expect(codes(r)).toEqual(['UPSTREAM_ERROR']);
    expect(errorOf(r).requestId).toMatch(/^[a-z0-9]+$/);
    expect(r.errors?.[0]?.path).toEqual(['gongUsers']);
    expect(h.upstream().map((e) => e.status)).toEqual([503, 503, 503, 503]); // 1 + GONG_MAX_RETRIES
  }, 30_000);

  it('answers UPSTREAM_ERROR when resets never stop', async () => {
    h.sandbox.control.addFault({ pathPrefix: '/v2/users', kind: { type: 'reset' } });
    const r = await h.gql(USERS);
    expect(codes(r)).toEqual(['UPSTREAM_ERROR']);
    expect(r.errors?.[0]?.message).toMatch(/after 4 attempt\(s\)/);
  }, 30_000);

  it('answers UPSTREAM_SCHEMA_MISMATCH when Gong keeps sending malformed JSON', async () => {
    h.sandbox.control.addFault({ pathPrefix: '/v2/users', kind: { type: 'malformed' } });
    const r = await h.gql(USERS);
    expect(codes(r)).toEqual(['UPSTREAM_SCHEMA_MISMATCH']);
    expect(JSON.stringify(r)).not.toMatch(/SyntaxError|\bat \S+:\d+/);
  }, 30_000);

  it('keeps the calls when only the nested users fail: primaryUser errors are per field', async () => {
    h.sandbox.control.addFault({ pathPrefix: '/v2/users', kind: { type: 'status', status: 500 } });
    const r = await h.gql<{ gongCalls: { nodes: { id: string; primaryUser: unknown }[] } }>(
      `{ gongCalls(first: 10, filter: { from: "${FROM}", to: "${TO}" }) { nodes { id primaryUser { id } } } }`,
    );
    const ids = (baseline.data as { gongCalls: { nodes: { id: string }[] } }).gongCalls.nodes.map(
      (n) => n.id,
    );
    expect(r.data?.gongCalls.nodes.map((n) => n.id)).toEqual(ids);
    expect(r.data?.gongCalls.nodes.every((n) => n.primaryUser === null)).toBe(true);
    expect(new Set(codes(r))).toEqual(new Set(['UPSTREAM_ERROR']));
  }, 30_000);
});

// An operation answered with an error leaves its sibling requests retrying, so random faults get a
// gateway and sandbox of their own: their leftovers cannot reach the deterministic scenarios above.
describe('GraphQL queries under random faults', () => {
  const r = {} as { h: Harness; baseline: GraphQLResponse };
  beforeAll(async () => {
    r.h = await startHarness({ sandbox, env, deps });
    r.baseline = await r.h.gql(QUERY);
  });
  afterAll(() => r.h.close());
  afterEach(() => expect(maxArrivalsInWindow(r.h.upstream(), 1000)).toBeLessThanOrEqual(RATE));

  // Random faults can land on one request more often than it may retry, so the contract here is
  // correct data, or only typed upstream errors (never a 5xx, never an untyped error).
  it('gives correct data or typed errors under a random mix of every fault (30%)', async () => {
    for (const kind of [
      { type: 'status', status: 429, retryAfterSeconds: 1 },
      { type: 'status', status: 503 },
      { type: 'reset' },
      { type: 'malformed' },
    ] as const)
      r.h.sandbox.control.addFault({ kind, rate: 0.3, count: 2 });
    const answers = await Promise.all([r.h.gql(QUERY), r.h.gql(QUERY), r.h.gql(QUERY)]);
    const typed = [
      'UPSTREAM_ERROR',
      'UPSTREAM_SCHEMA_MISMATCH',
      'UPSTREAM_RATE_LIMITED',
      'UPSTREAM_UNAVAILABLE',
    ];
    for (const a of answers) {
      expect(a.status).toBe(200);
      if (a.errors === undefined) expect(a.data).toEqual(r.baseline.data);
      else for (const code of codes(a)) expect(typed).toContain(code);
    }
  }, 30_000);
});

describe('GraphQL queries when Gong stays down', () => {
  it('answers UPSTREAM_RATE_LIMITED with retryAfter when Retry-After outlasts the deadline, without asking Gong again', async () => {
    const h = await startHarness({
      sandbox,
      deps,
      env: { ...env, GONG_QUEUE_TIMEOUT_MS: '1000', GONG_REQUEST_TIMEOUT_MS: '1000' },
    });
    try {
      h.sandbox.control.addFault({
        kind: { type: 'status', status: 429, retryAfterSeconds: 30 },
        count: 1,
      });
      const r = await h.gql(USERS);
      expect(codes(r)).toEqual(['UPSTREAM_RATE_LIMITED']);
      expect(errorOf(r).retryAfter).toBe(30);
      const again = await h.gql(QUERY);
      expect(new Set(codes(again))).toEqual(new Set(['UPSTREAM_RATE_LIMITED']));
      expect(h.upstream()).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('answers UPSTREAM_UNAVAILABLE with retryAfter once the breaker opens, without asking Gong', async () => {
    const h = await startHarness({
      sandbox,
      deps,
      env: {
        ...env,
        GONG_MAX_RETRIES: '0',
        GONG_BREAKER_THRESHOLD: '2',
        GONG_BREAKER_COOLDOWN_MS: '5000',
      },
    });
    try {
      h.sandbox.control.addFault({ kind: { type: 'status', status: 502 } });
      expect(codes(await h.gql(USERS))).toEqual(['UPSTREAM_ERROR']);
      expect(codes(await h.gql(USERS))).toEqual(['UPSTREAM_ERROR']);
      const r = await h.gql(USERS);
      expect(codes(r)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(errorOf(r).retryAfter).toBe(5);
      expect(h.upstream()).toHaveLength(2);
      expect(maxArrivalsInWindow(h.upstream(), 1000)).toBeLessThanOrEqual(RATE);
    } finally {
      await h.close();
    }
  });
});
