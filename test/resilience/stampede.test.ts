/**
 * Identical work is paid once: a stampede of 50 concurrent identical GraphQL operations (separate HTTP requests)
 * costs one upstream request per distinct Gong request: the transport coalesces identical
 * in-flight requests across operations, so Gong sees each once, not 50 times. The full-read
 * caches are off (CACHE_TTL_SECONDS=0, CACHE_MAX_BYTES=0), so no cache hides the count.
 *
 * Coalescing covers requests that arrive while an identical one is in flight. The in-process
 * sandbox answers in a few ms, faster than 50 HTTP requests can even be parsed, so the sandbox
 * is given Gong's real round trip (a 300 ms latency on every request) and the client's sockets
 * are opened beforehand, as they are for a busy gateway.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/sandbox/types.js';
import { maxArrivalsInWindow } from '../gong/support/clients.js';
import { startHarness, type Harness } from '../read/harness.js';

const signature = (e: RequestLogEntry) =>
  `${e.method} ${e.path} ${JSON.stringify(e.query)} ${JSON.stringify(e.body ?? null)}`;

/** A rate limit on both sides (Gong's 3/s is proved in test/gong/burst-stays-within-gong-rate). */
const RATE = 30;

describe('a stampede of identical queries', () => {
  let h: Harness;
  let ids: string[];
  beforeAll(async () => {
    h = await startHarness({
      sandbox: { users: 30, calls: 200, rateLimit: { perSecond: RATE, perDay: 10_000 } },
      env: {
        GONG_RATE_PER_SECOND: String(RATE),
        GONG_QUEUE_TIMEOUT_MS: '20000',
        CACHE_TTL_SECONDS: '0',
        CACHE_MAX_BYTES: '0',
      },
    });
    ids = h.sandbox.control
      .allCalls()
      .filter((c) => !c.metaData.isPrivate)
      .slice(0, 12)
      .map((c) => c.metaData.id);
  });
  beforeEach(async () => {
    // Open the 50 keep-alive sockets and warm the server: a stampede hits a running gateway.
    await Promise.all(Array.from({ length: 50 }, () => h.gql('{ __typename }')));
    h.sandbox.control.clearFaults();
    h.sandbox.control.addFault({ kind: { type: 'latency', ms: 300 } });
    h.reset();
  });
  afterAll(() => h.close());

  it('50 concurrent gongCallsByIds with nested users cost one upstream request per distinct Gong request', async () => {
    const query = `query Stampede($ids: [ID!]!) {
      gongCallsByIds(ids: $ids) { id title primaryUser { id firstName manager { id } } parties { name user { id emailAddress } } }
    }`;
    type Answer = { gongCallsByIds: { id: string; primaryUser: { id: string } | null }[] };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => h.gql<Answer>(query, { ids })),
    );

    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual(answers[0]?.data);
    }
    expect(answers[0]?.data?.gongCallsByIds.map((c) => c.id)).toEqual(ids);
    expect(answers[0]?.data?.gongCallsByIds.every((c) => c.primaryUser !== null)).toBe(true);

    const log = h.upstream();
    // Each distinct Gong request exactly once: the calls batch, then the users batch(es).
    expect(new Set(log.map(signature)).size).toBe(log.length);
    const counters = h.sandbox.control.counters();
    expect(counters['POST /v2/calls/extensive']).toBe(1);
    expect(log.length).toBeLessThanOrEqual(4);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(maxArrivalsInWindow(log, 1000)).toBeLessThanOrEqual(RATE);
  });

  it('50 concurrent gongUsers and gongWorkspaces cost one GET each', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.gql('{ gongUsers(first: 20) { nodes { id emailAddress } } gongWorkspaces { id name } }'),
      ),
    );
    for (const r of answers) {
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual(answers[0]?.data);
    }
    expect(h.sandbox.control.counters()).toMatchObject({
      'GET /v2/users': 1,
      'GET /v2/workspaces': 1,
    });
    expect(h.upstream()).toHaveLength(2);
  });
});
