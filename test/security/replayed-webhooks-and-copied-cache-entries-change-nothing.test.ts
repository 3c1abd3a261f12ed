/**
 * Cache entries an attacker can bring back. The second attack pass found:
 * - a replayed signed webhook was processed into the entity cache before its dedupe check, so a
 *   captured delivery could make a call visible again that Gong no longer shows;
 * - a `Cache-Control: no-cache` read that found a call gone left the cached record for the next
 *   plain read;
 * - Redis entries were not bound to their connection: an entry copied under another tenant's key
 *   was served to that tenant.
 * Now a delivery already taken writes nothing, a no-cache read evicts what Gong no longer
 * answers, and each entry carries its connection and kind, checked on read (a mismatch is a miss,
 * counted in gong_gateway_corrupt_entries_total).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { signDelivery, testKeyPair, webhookBody } from '../events/support.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { startOAuthGateway, type OAuthGateway } from './oauth-gateway.js';

const gong = testKeyPair();
const VIEW = 'query ($id: ID!) { gongCall(id: $id) { id title } }';
/** Whether the read asked Gong for the call (by id, basic or extensive) instead of a cache. */
const asked = (upstream: Record<string, number>) =>
  (upstream['GET /v2/calls/{id}'] ?? 0) + (upstream['POST /v2/calls/extensive'] ?? 0) > 0;

describe('replayed webhooks and no-cache reads', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      GONG_WEBHOOK_PUBLIC_KEY: gong.publicKey,
      CACHE_MAX_BYTES: String(16 << 20),
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  const view = async (id: string, headers: Record<string, string> = {}) => {
    sandbox.control.resetLog();
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: VIEW, variables: { id } }),
    });
    const body = (await res.json()) as { data?: { gongCall: { title: string } | null } };
    return { call: body.data?.gongCall, upstream: sandbox.control.counters() };
  };

  it('a call gone from Gong stays gone: a no-cache read evicts it, a replayed delivery writes nothing', async () => {
    // A delivery for a call Gong does not show (deleted, or made private since).
    const id = '940000000000000001';
    const body = webhookBody(id, { title: 'secret agenda' });
    const delivery = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: await signDelivery({
          privateKey: gong.privateKey,
          url: gw.webhookUrl(),
          body,
        }),
      },
      body,
    };
    expect((await fetch(gw.webhookUrl(), delivery)).status).toBe(202);
    // The webhook's callData is cached: a plain read is served from it.
    expect((await view(id)).call?.title).toBe('secret agenda');

    // A no-cache read asks Gong, which no longer answers the call: the cached record goes.
    const fresh = await view(id, { 'cache-control': 'no-cache' });
    expect(fresh.call).toBeNull();
    expect(asked(fresh.upstream)).toBe(true);
    const plain = await view(id);
    expect(plain.call).toBeNull();
    expect(asked(plain.upstream)).toBe(true);

    // The captured delivery, replayed: accepted as the duplicate it is, and nothing is written.
    const replay = await fetch(gw.webhookUrl(), delivery);
    expect(replay.status).toBeLessThan(300);
    const after = await view(id);
    expect(after.call).toBeNull();
    expect(asked(after.upstream)).toBe(true);
  });
});

describeRedis('Redis cache entries are bound to their connection and kind', () => {
  let redis: RedisServer;
  let h: OAuthGateway;
  let id: string;
  beforeAll(async () => {
    redis = await startRedis();
    h = await startOAuthGateway({
      env: {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: 'bound:',
        TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
        CACHE_MAX_BYTES: String(16 << 20),
        CACHE_TTL_SECONDS: '300',
      },
    });
    expect((await h.connect('acme')).status).toBe(200);
    expect((await h.connect('globex')).status).toBe(200);
    id = h.sandbox.control.allCalls()[0]!.metaData.id;
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  const corrupt = async () =>
    (await h.gateway.metrics.corruptEntries.get()).values.find((v) => v.labels.store === 'cache')
      ?.value ?? 0;
  const viewAs = async (conn: string) => {
    h.sandbox.control.resetLog();
    const r = await h.gql(VIEW, await h.asTenant(conn), { id });
    expect(r.errors).toBeUndefined();
    return h.sandbox.control.counters();
  };

  it("an entity entry copied under another tenant's key is a miss, counted as corrupt", async () => {
    expect(asked(await viewAs('acme'))).toBe(true);
    const raw = new Redis(redis.url);
    try {
      const entry = await raw.get(`bound:entity:{acme}:call:${id}`);
      expect(entry).not.toBeNull();
      const gen = (await raw.get('bound:entity:{globex}:gen')) ?? '0';
      await raw.set(
        `bound:entity:{globex}:call:${id}`,
        `${gen}|${entry!.slice(entry!.indexOf('|') + 1)}`,
      );
      const before = await corrupt();
      expect(asked(await viewAs('globex'))).toBe(true);
      expect(await corrupt()).toBe(before + 1);
    } finally {
      raw.disconnect();
    }
  });

  it("a full-read entry copied under another tenant's key is a miss, counted as corrupt", async () => {
    const list = async (conn: string) => {
      h.sandbox.control.resetLog();
      const r = await h.gql('{ gongWorkspaces { id } }', await h.asTenant(conn));
      expect(r.errors).toBeUndefined();
      return h.sandbox.control.counters();
    };
    expect(await list('acme')).toMatchObject({ 'GET /v2/workspaces': 1 });
    const raw = new Redis(redis.url);
    try {
      const entry = await raw.get('bound:cache:acme:workspaces');
      expect(entry).not.toBeNull();
      await raw.set('bound:cache:globex:workspaces', entry!);
      const before = await corrupt();
      expect(await list('globex')).toMatchObject({ 'GET /v2/workspaces': 1 });
      expect(await corrupt()).toBe(before + 1);
    } finally {
      raw.disconnect();
    }
  });
});
