/**
 * With REDIS_URL, the entity cache lives in Redis: what one instance fetched, another serves
 * without asking Gong, and an eviction on one instance holds on every instance. A real
 * redis-server on a free loopback port; both gateways on one sandbox.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';

const VIEW = `query ($id: ID!) { gongCall(id: $id, includePrivate: true) { id title primaryUser { id } parties { name user { id } } transcript { monologues { speakerId } } } }`;

describeRedis('the entity cache across instances on one Redis', () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  let a: EventGateway;
  let b: EventGateway;

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startEventSandbox();
    const env = {
      REDIS_URL: redis.url,
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      REDIS_KEY_PREFIX: 'ec:',
      CACHE_MAX_BYTES: String(64 << 20),
    };
    a = await startEventGateway(sandbox, env);
    b = await startEventGateway(sandbox, env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sandbox?.close();
    await redis?.stop();
  });

  const view = async (g: EventGateway, id: string) => {
    sandbox.control.resetLog();
    const res = await fetch(g.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: VIEW, variables: { id } }),
    });
    const body = (await res.json()) as {
      data?: { gongCall: { id: string } | null };
      errors?: unknown[];
    };
    expect(body.errors).toBeUndefined();
    expect(body.data?.gongCall?.id).toBe(id);
    return sandbox.control.counters();
  };

  it('serves on instance B what instance A fetched, and evicts everywhere', async () => {
    const id = sandbox.control.allCalls()[0]!.metaData.id;
    expect(await view(a, id)).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/users/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await view(b, id)).toEqual({});

    const evict = await fetch(b.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { gongEvictCache(connectionRef: "default") }' }),
    });
    expect(((await evict.json()) as { data?: unknown }).data).toEqual({ gongEvictCache: 0 });
    expect(await view(a, id)).toEqual({
      'POST /v2/calls/extensive': 1,
      'POST /v2/users/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await view(b, id)).toEqual({});
  });

  it('treats an entry it cannot read (not JSON, another shape, another id) as a miss and replaces it', async () => {
    const [first, second] = sandbox.control
      .allCalls()
      .slice(2, 4)
      .map((c) => c.metaData.id) as [string, string];
    const raw = new Redis(redis.url);
    try {
      const gen = (await raw.get('ec:entity:{default}:gen')) ?? '0';
      await raw.set(`ec:entity:{default}:call:${first}`, `${gen}|{not json`);
      await raw.set(
        `ec:entity:{default}:call:${second}`,
        `${gen}|{"metaData":{"id":"1"},"until":1e15,"parts":{},"call":{}}`,
      );
      await raw.set(
        `ec:entity:{default}:transcript:${second}`,
        `${gen}|{"callId":"1","transcript":[{"speakerId":"x"}]}`,
      );
    } finally {
      raw.disconnect();
    }
    expect(await view(a, first)).toMatchObject({
      'POST /v2/calls/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await view(a, second)).toMatchObject({
      'POST /v2/calls/extensive': 1,
      'POST /v2/calls/transcript': 1,
    });
    expect(await view(b, first)).toEqual({});
    expect(await view(b, second)).toEqual({});
  });
});
