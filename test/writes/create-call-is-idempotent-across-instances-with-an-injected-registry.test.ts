/**
 * The Redis-or-memory decision is made once for the whole gateway: an embedder that brings its
 * own connection registry and sets REDIS_URL still gets create records in Redis, so a retried
 * gongCreateCall that lands on another instance returns the first call and Gong sees one create.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAccessKeyRegistry } from '../../src/connections/access-key.js';
import type { UserMetadata } from '../../src/gong/wire.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { SANDBOX_TEST_OPTIONS, startGateway, type StartedGateway } from '../support/gateway.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';

const CREATE = `mutation Create($input: GongCreateCallInput!) { gongCreateCall(input: $input) { callId } }`;
const KEY = 'shared-create-key';

describeRedis('two instances with an injected registry and REDIS_URL', () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  let gateways: StartedGateway[] = [];
  let user: UserMetadata;

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startSandbox({
      ...SANDBOX_TEST_OPTIONS,
      users: 5,
      calls: 5,
      processingDelayMs: 0,
    });
    // As an embedder would: no embedded sandbox, only its own registry (pointing at the sandbox).
    const instance = () =>
      startGateway({
        sandbox: false,
        env: {
          GATEWAY_API_KEYS: KEY,
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: 'inject:',
          TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
        },
        deps: () => ({
          registry: createAccessKeyRegistry({
            baseUrl: sandbox.url,
            accessKey: sandbox.accessKey,
            accessKeySecret: sandbox.accessKeySecret,
          }),
        }),
      });
    gateways = [await instance(), await instance()];
    const auth = Buffer.from(`${sandbox.accessKey}:${sandbox.accessKeySecret}`).toString('base64');
    const users = (await (
      await fetch(`${sandbox.url}/v2/users`, { headers: { authorization: `Basic ${auth}` } })
    ).json()) as { users: UserMetadata[] };
    user = users.users.find((u) => u.active)!;
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await sandbox?.close();
    await redis?.stop();
  });

  it('returns the first call for a repeated clientUniqueId sent to the other instance, with one create at Gong', async () => {
    const started = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const input = {
      clientUniqueId: 'injected-registry-1',
      actualStart: started,
      direction: 'Outbound',
      parties: [{ userId: user.id }],
      primaryUser: user.id,
      downloadMediaUrl: 'https://upload-server.example.com/injected-registry-1.mp3',
    };
    const send = (g: StartedGateway) =>
      g.gql<{ gongCreateCall: { callId: string } }>(
        CREATE,
        { input },
        { authorization: `Bearer ${KEY}` },
      );
    sandbox.control.resetLog();
    const first = await send(gateways[0]!);
    expect(first.errors).toBeUndefined();
    const again = await send(gateways[1]!);
    expect(again.errors).toBeUndefined();
    expect(again.data!.gongCreateCall.callId).toBe(first.data!.gongCreateCall.callId);
    expect(
      sandbox.control.requestLog().filter((e) => e.endpoint === 'POST /v2/calls'),
    ).toHaveLength(1);
  });
});
