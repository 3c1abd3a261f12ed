/**
 * The same contract for both logs: ordered stream ids, dedupe, exclusive replay, retention and
 * live listening. The Redis variant runs against a real redis-server.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareEventIds, nextEventId } from '../../src/events/event-id.js';
import type { EventLog, LoggedEvent } from '../../src/events/event-log.js';
import { createMemoryEventLog } from '../../src/events/memory-event-log.js';
import { createRedisEventLog } from '../../src/events/redis-event-log.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { eventually } from './support.js';

const append = (log: EventLog, ref: string, key: string) =>
  log.append({
    topic: 'call.created',
    connectionRef: ref,
    dedupeKey: key,
    data: { n: key },
    receivedAt: new Date().toISOString(),
  });

function contract(name: string, make: (maxEvents: number) => Promise<EventLog>) {
  describe(name, () => {
    it('gives increasing ids, dedupes by key, and replays strictly after `after`', async () => {
      const log = await make(1000);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await append(log, 'acme', `k${i}`)).eventId);
      for (let i = 1; i < ids.length; i++)
        expect(compareEventIds(ids[i]!, ids[i - 1]!)).toBeGreaterThan(0);
      expect(await append(log, 'acme', 'k2')).toEqual({ eventId: ids[2], duplicate: true });

      const after = await log.replay('call.created', 'acme', ids[1]!, 100);
      expect(after.ok && after.events.map((e) => e.eventId)).toEqual(ids.slice(2));
      const all = await log.replay('call.created', 'acme', '0-0', 2);
      expect(all.ok && all.events.map((e) => e.data)).toEqual([{ n: 'k0' }, { n: 'k1' }]);
      // Streams are per connection and per topic.
      expect(await log.replay('call.created', 'other', '0-0', 10)).toEqual({
        ok: true,
        events: [],
      });
      expect(await log.replay('transcript.ready', 'acme', '0-0', 10)).toEqual({
        ok: true,
        events: [],
      });
      await log.close();
    });

    it('refuses malformed, unknown and past-retention `after`', async () => {
      const log = await make(100);
      const first = (await append(log, 'acme', 'first')).eventId;
      expect(await log.replay('call.created', 'acme', 'abc', 10)).toEqual({
        ok: false,
        problem: 'malformed',
      });
      expect(
        await log.replay('call.created', 'acme', nextEventId(first, Date.now() + 60_000), 10),
      ).toEqual({ ok: false, problem: 'unknown' });
      // Redis trims whole macro nodes (MAXLEN ~), so push well past the limit.
      for (let i = 0; i < 400; i++) await append(log, 'acme', `f${i}`);
      expect(await log.replay('call.created', 'acme', first, 10)).toEqual({
        ok: false,
        problem: 'past-retention',
      });
      await log.close();
    });

    it('tells listeners about every new append, once', async () => {
      const log = await make(1000);
      await log.ready();
      const seen: LoggedEvent[] = [];
      const stop = log.listen((e) => seen.push(e));
      const a = await append(log, 'acme', 'x');
      await append(log, 'acme', 'x');
      const b = await append(log, 'beta', 'y');
      await eventually(() => (seen.length >= 2 ? true : undefined), 5_000, 'two live events');
      expect(seen.map((e) => [e.connectionRef, e.eventId])).toEqual([
        ['acme', a.eventId],
        ['beta', b.eventId],
      ]);
      stop();
      await log.close();
    });
  });
}

contract('memory event log', (maxEvents) => Promise.resolve(createMemoryEventLog({ maxEvents })));

describeRedis('redis event log', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  let n = 0;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });
  contract('on a real redis-server', async (maxEvents) => {
    const redis = new Redis(server.url);
    clients.push(redis);
    const log = createRedisEventLog({ redis, prefix: `t${n++}:`, maxEvents, blockMs: 200 });
    await log.ready();
    return log;
  });

  it("a second instance sees the first one's appends live, and a restart keeps them", async () => {
    const a = new Redis(server.url);
    const b = new Redis(server.url);
    clients.push(a, b);
    const logA = createRedisEventLog({
      redis: a,
      prefix: 'shared:',
      maxEvents: 1000,
      blockMs: 200,
    });
    const logB = createRedisEventLog({
      redis: b,
      prefix: 'shared:',
      maxEvents: 1000,
      blockMs: 200,
    });
    await Promise.all([logA.ready(), logB.ready()]);
    const seen: string[] = [];
    logB.listen((e) => seen.push(e.eventId));
    const { eventId } = await append(logA, 'acme', 'c1');
    await eventually(
      () => (seen.includes(eventId) ? true : undefined),
      5_000,
      'cross-instance event',
    );
    await logA.close();
    await logB.close();
    const logC = createRedisEventLog({ redis: b, prefix: 'shared:', maxEvents: 1000 });
    const replay = await logC.replay('call.created', 'acme', '0-0', 10);
    expect(replay.ok && replay.events.map((e) => e.eventId)).toEqual([eventId]);
    await logC.close();
  });
});
