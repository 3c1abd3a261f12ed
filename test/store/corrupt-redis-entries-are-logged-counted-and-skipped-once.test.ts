/**
 * A stored entry that does not parse (a shape change between deploys, a hand edit) must not be
 * dropped in silence nor break what is around it: the event log's replay skips it and still fills
 * its page, a transcript schedule entry is removed instead of being leased forever, and a cache
 * entry of another shape is loaded again instead of served. Each is logged and counted once.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFullReadCache } from '../../src/cache/full-read-cache.js';
import { createRedisEventLog } from '../../src/events/redis-event-log.js';
import { createRedisTranscriptSchedule } from '../../src/events/transcript-schedule.js';
import { corruptEntryReporter } from '../../src/observability/corrupt-entries.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { z } from 'zod';
import { captureLogs } from '../support/log-capture.js';
import { describeRedis, redisSuite } from '../support/redis.js';

const suite = redisSuite();

async function corruptCount(metrics: Metrics, store: string): Promise<number> {
  const m = await metrics.corruptEntries.get();
  return m.values.find((v) => v.labels.store === store)?.value ?? 0;
}

describeRedis('corrupt entries in Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    await suite.start();
    redis = await suite.connect();
  });
  afterAll(() => suite.stop());

  const setup = (prefix: string) => {
    const logs = captureLogs();
    const metrics = createMetrics();
    const reportCorrupt = corruptEntryReporter(
      createLogger({ level: 'info', destination: logs.stream }),
      metrics,
    );
    const corruptLogs = () => logs.lines().filter((l) => l.msg === 'corrupt stored entry skipped');
    return { prefix, logs, metrics, reportCorrupt, corruptLogs };
  };

  it('replays the good events around a corrupt one, full pages included, and reports it once', async () => {
    const t = setup('ev1:');
    const log = createRedisEventLog({
      redis,
      prefix: t.prefix,
      maxEvents: 1000,
      reportCorrupt: t.reportCorrupt,
    });
    await log.ready();
    const append = (id: string) =>
      log.append({
        topic: 'call.created',
        connectionRef: 'default',
        dedupeKey: id,
        data: { id },
        receivedAt: new Date().toISOString(),
      });
    const first = await append('a');
    await redis.xadd(`${t.prefix}{eventlog}:events:default`, '*', 'e', '{not json');
    await append('b');
    await append('c');

    const page = await log.replay('call.created', 'default', first.eventId, 2);
    expect(page.ok && page.events.map((e) => (e.data as { id: string }).id)).toEqual(['b', 'c']);
    await log.replay('call.created', 'default', first.eventId, 10);

    expect(await corruptCount(t.metrics, 'event_log')).toBe(1);
    expect(t.corruptLogs()).toHaveLength(1);
    expect(t.corruptLogs()[0]).toMatchObject({ store: 'event_log', problem: 'not JSON' });
    await log.close();
  });

  it('removes a corrupt transcript check instead of leasing it again, and reports it once', async () => {
    const t = setup('ts1:');
    const schedule = createRedisTranscriptSchedule(redis, t.prefix, t.reportCorrupt);
    await schedule.add(
      { connectionRef: 'default', callId: '1', attempt: 0, firstAt: 0, isPrivate: false },
      0,
    );
    await redis.hset(`${t.prefix}{transcriptpoll}:items`, 'default\u00002', '{"callId": 2}');
    await redis.zadd(`${t.prefix}{transcriptpoll}:due`, 0, 'default\u00002');

    const due = await schedule.takeDue(Date.now(), 10, 0);
    expect(due.map((c) => c.callId)).toEqual(['1']);
    expect(await schedule.size()).toBe(1);
    expect((await schedule.takeDue(Date.now() + 1, 10, 0)).map((c) => c.callId)).toEqual(['1']);

    expect(await corruptCount(t.metrics, 'transcript_schedule')).toBe(1);
    expect(t.corruptLogs()).toHaveLength(1);
  });

  it('loads a cached value of another shape again instead of serving it, and reports it once', async () => {
    const t = setup('c1:');
    const cache = createFullReadCache({
      redis,
      keyPrefix: t.prefix,
      reportCorrupt: t.reportCorrupt,
    });
    const Workspaces = z.array(z.object({ id: z.string() }));
    // Written by an older deploy whose workspaces had a numeric id.
    await redis.set(
      `${t.prefix}cache:default:workspaces`,
      JSON.stringify({ v: [{ id: 7 }], f: Date.now() + 60_000 }),
    );
    let loads = 0;
    const load = () => (loads++, Promise.resolve([{ id: '7' }]));

    expect(
      await cache.getOrLoad('default', 'workspaces', 60, load, 'workspaces', Workspaces),
    ).toEqual([{ id: '7' }]);
    expect(
      await cache.getOrLoad('default', 'workspaces', 60, load, 'workspaces', Workspaces),
    ).toEqual([{ id: '7' }]);

    expect(loads).toBe(1);
    expect(await corruptCount(t.metrics, 'cache')).toBe(1);
    expect(t.corruptLogs()).toHaveLength(1);
  });
});
