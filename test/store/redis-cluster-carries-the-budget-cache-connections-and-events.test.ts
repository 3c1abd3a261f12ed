/**
 * On a real 3-node Redis Cluster (REDIS_CLUSTER_NODES), gateway instances share what they share on
 * one Redis: the day budget (a 3-key Lua script), full reads in the cache, the entity cache (one
 * hash tag per connection: MGET and a write script in one slot), OAuth connections
 * (records scanned on every master, one refresh across instances) and the event log (an append
 * script over three streams and an XREAD BLOCK tail). A key in the wrong slot would fail with
 * CROSSSLOT; a SCAN of one node would miss records. One cluster serves the whole file.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createTokenCrypto } from '../../src/store/crypto.js';
import { createRedisClusterClient, createRedisStore, type Redis } from '../../src/store/redis.js';
import { startHarness as startOAuthHarness } from '../connections/oauth-harness.js';
import { eventually } from '../events/support.js';
import {
  CALL_CREATED_LIGHT,
  disposeClients,
  startEventGateway,
  startEventSandbox,
  subscribe,
  subscribed,
  type EventGateway,
} from '../events/gateway-harness.js';
import { describeRedisCluster, redisCluster, type RedisCluster } from '../support/redis.js';

describeRedisCluster('gateway instances on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let sandbox: Sandbox;
  let client: Redis;
  const open: EventGateway[] = [];
  let prefixes = 0;

  beforeAll(async () => {
    cluster = await redisCluster(3);
    sandbox = await startEventSandbox();
    client = createRedisClusterClient(cluster.nodes);
  }, 60_000);
  afterAll(async () => {
    await disposeClients();
    for (const g of open) await g.close();
    await client?.quit();
    await sandbox?.close();
    await cluster?.stop();
  });

  /** Two gateways on the cluster, with their own key prefix (so tests do not share a budget). */
  const pair = async (env: Record<string, string> = {}) => {
    const shared = {
      REDIS_CLUSTER_NODES: cluster.nodes.join(','),
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      REDIS_KEY_PREFIX: `c${++prefixes}:`,
      ...env,
    };
    const a = await startEventGateway(sandbox, shared);
    const b = await startEventGateway(sandbox, shared);
    open.push(a, b);
    // Ready means the cluster client has its slot table (before that the cache reads as a miss).
    for (const g of [a, b])
      await eventually(
        async () => ((await fetch(`${g.publicUrl}/readyz`)).status === 200 ? true : undefined),
        10_000,
        'ready on the cluster',
      );
    return [a, b] as const;
  };
  const gql = async (g: EventGateway, query: string) => {
    const res = await fetch(g.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { extensions?: { code?: string } }[];
    };
  };
  const upstream = () => sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/'));

  it('shares one day budget: the fourth request, on either instance, is refused without reaching Gong', async () => {
    const [a, b] = await pair({ GONG_DAILY_BUDGET: '3' });
    const calls = await gql(
      a,
      '{ gongCalls(first: 4, filter: { includePrivate: true }) { nodes { id } } }',
    );
    const ids = (calls.data!.gongCalls as { nodes: { id: string }[] }).nodes.map((n) => n.id);
    expect(ids).toHaveLength(4);
    sandbox.control.resetLog();
    const one = (g: EventGateway, id: string) =>
      gql(g, `{ gongCall(id: "${id}", includePrivate: true) { id } }`);
    expect((await one(a, ids[0]!)).errors).toBeUndefined();
    expect((await one(b, ids[1]!)).errors).toBeUndefined();
    // The list above spent the first unit: a and b spent the second and third.
    const refused = await one(b, ids[2]!);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
    expect((await one(a, ids[3]!)).errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(upstream().map((e) => e.endpoint)).toEqual(['GET /v2/calls/{id}', 'GET /v2/calls/{id}']);
  });

  it('serves a full read cached by one instance to the other without a request', async () => {
    const [a, b] = await pair({ CACHE_TTL_SECONDS: '300' });
    sandbox.control.resetLog();
    const first = await gql(a, '{ gongWorkspaces { id name } }');
    expect(first.errors).toBeUndefined();
    expect(upstream()).toHaveLength(1);
    const second = await gql(b, '{ gongWorkspaces { id name } }');
    expect(second.data).toEqual(first.data);
    expect(upstream()).toHaveLength(1);
  });

  it('shares the entity cache: a call one instance fetched costs the other nothing, and an eviction holds on both', async () => {
    const [a, b] = await pair({ CACHE_MAX_BYTES: String(64 << 20) });
    const id = sandbox.control.allCalls()[1]!.metaData.id;
    const view = `{ gongCall(id: "${id}", includePrivate: true) { id title parties { name user { id } } transcript { monologues { speakerId } } } }`;
    sandbox.control.resetLog();
    expect((await gql(a, view)).errors).toBeUndefined();
    expect(upstream()).toHaveLength(3);
    const second = await gql(b, view);
    expect((second.data?.gongCall as { id: string }).id).toBe(id);
    expect(upstream()).toHaveLength(3);
    expect(
      (await gql(a, 'mutation { gongEvictCache(connectionRef: "default") }')).errors,
    ).toBeUndefined();
    await gql(b, view);
    expect(upstream()).toHaveLength(6);
  });

  it('keeps OAuth connections: another instance lists every one and they make one refresh between them', async () => {
    const h = await startOAuthHarness({
      store: createRedisStore(client, 'conns:'),
      crypto: createTokenCrypto({ key: randomBytes(32) }),
    });
    try {
      // Enough refs that their records land on all three masters.
      const refs = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'];
      for (const ref of refs) expect((await h.connect(ref)).status).toBe(200);
      const other = h.anotherInstance();
      expect(
        (await other.list())
          .map((c) => c.ref)
          .filter((r) => r !== 'default')
          .sort(),
      ).toEqual([...refs].sort());

      h.sandbox.control.expireAccessTokens();
      const all = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? h.registry : other).authorization('acme', { forceRefresh: true }),
        ),
      );
      expect(h.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(1);
      expect(new Set(all).size).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('carries a webhook received by one instance to a subscriber on the other, and replays it', async () => {
    const [a, b] = await pair();
    const rule = sandbox.control.addWebhookRule({ targetUrl: a.webhookUrl() });
    try {
      const live = subscribe<{ eventId: string; call: { id: string } }>(
        b.wsUrl,
        CALL_CREATED_LIGHT,
      );
      await subscribed(b, 1);
      const callId = await sandbox.control.endCall({
        title: 'Across the cluster',
        isPrivate: false,
      });
      await sandbox.control.tick();
      const got = await eventually(() => live.items[0], 10_000, 'event on B');
      expect(got.call.id).toBe(callId);
      live.stop();

      const replay = subscribe<{ eventId: string; call: { id: string } }>(
        b.wsUrl,
        CALL_CREATED_LIGHT,
        { after: '0-0' },
      );
      await eventually(
        () => (replay.items.some((e) => e.call.id === callId) ? true : undefined),
        10_000,
        'replayed event',
      );
      expect(replay.items.filter((e) => e.call.id === callId)).toEqual([
        { eventId: got.eventId, call: { id: callId, title: 'Across the cluster' } },
      ]);
      replay.stop();
    } finally {
      sandbox.control.removeWebhookRule(rule.id);
    }
  });
});
