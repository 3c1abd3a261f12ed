/**
 * Two gateways on one real Redis share the change index, the sweep schedule and its lock: each
 * connection is swept once per interval whichever instance ticks, and each change is published
 * once, also when both instances read the changed call at the same moment.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { callsStarted, changesSoFar, DAY, startChangeRig, type ChangeRig } from './support.js';

describeRedis('two instances on one Redis', () => {
  let redis: RedisServer;
  let rig: ChangeRig;
  beforeAll(async () => {
    redis = await startRedis();
    rig = await startChangeRig({
      instances: 2,
      env: {
        REDIS_URL: redis.url,
        TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
        REDIS_KEY_PREFIX: 'chg:',
      },
    });
  });
  afterAll(async () => {
    await rig?.close();
    await redis?.stop();
  });

  const [a, b] = [() => rig.instances[0]!, () => rig.instances[1]!];
  const published = async () => {
    let n = 0;
    for (const i of rig.instances)
      n += (await i.gateway.metrics.callChanges.get()).values.reduce((s, v) => s + v.value, 0);
    return n;
  };
  const tickBoth = async () => {
    const [ra, rb] = await Promise.all([a().gateway.changes.tick(), b().gateway.changes.tick()]);
    return [...ra, ...rb];
  };

  it('sweeps the connection once per interval, whichever instance ticks', async () => {
    await a().gql('{ gongWorkspaces { id } }');
    rig.reset();
    expect((await tickBoth()).map((r) => r.kind)).toEqual(['full']);
    const pages = Math.ceil(callsStarted(rig, 14 * DAY, 0).length / 100);
    expect(rig.upstream()).toHaveLength(pages);
    rig.reset();
    expect(await tickBoth()).toEqual([]);
    rig.clock.advance(61_000);
    expect((await tickBoth()).map((r) => r.kind)).toEqual(['recent']);
    rig.clock.advance(61_000);
    expect((await tickBoth()).map((r) => r.kind)).toEqual(['recent']);
    expect(rig.upstream()).toHaveLength(2);
  });

  it('publishes each change once, found by a sweep or by both instances reading it', async () => {
    const [swept, read] = callsStarted(rig, DAY - 3_600_000, 0);
    rig.sandbox.control.editCall(swept!.metaData.id, { isPrivate: true });
    rig.sandbox.control.editCall(read!.metaData.id, { title: 'Read by both' });
    const query = 'query ($id: ID!) { gongCall(id: $id) { id title } }';
    await Promise.all([
      a().gql(query, { id: read!.metaData.id }),
      b().gql(query, { id: read!.metaData.id }),
    ]);
    await Promise.all([
      a().gateway.changes.settled('default'),
      b().gateway.changes.settled('default'),
    ]);
    rig.clock.advance(61_000);
    await tickBoth();
    expect(await published()).toBe(2);
    const events = await changesSoFar(b().wsUrl, 2);
    expect(events.map((e) => [e.callId, e.kind])).toEqual(
      expect.arrayContaining([
        [swept!.metaData.id, 'MADE_PRIVATE'],
        [read!.metaData.id, 'UPDATED'],
      ]),
    );
  });
});
