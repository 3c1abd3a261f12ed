/**
 * A replay checks each event's call against what is known now: a call deleted since its webhook
 * (or made private, for a subscriber without includePrivate) is skipped. The event logs keep
 * events EVENT_RETENTION_HOURS beside their count bound: a replay, or a sync checkpoint, from
 * before what was dropped is refused as past retention, on the memory log and on Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventLog } from '../../src/events/event-log.js';
import { createMemoryEventLog } from '../../src/events/memory-event-log.js';
import { createRedisEventLog } from '../../src/events/redis-event-log.js';
import { subscribe } from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { callsStarted, DAY, indexed, startChangeRig, type ChangeRig } from './support.js';

const HOUR = 3_600_000;

describe('replays through the gateway', () => {
  let rig: ChangeRig;
  beforeAll(async () => {
    rig = await startChangeRig({ env: { EVENT_RETENTION_HOURS: '1' } });
    await indexed(rig);
  });
  afterAll(() => rig?.close());

  const REPLAY =
    'subscription ($after: String) { gongCallCreated(after: $after, includePrivate: true) { eventId call { id } } }';

  it('skip a call deleted since its webhook, even with includePrivate', async () => {
    const gone = await rig.sandbox.control.endCall({ title: 'Deleted after its webhook' });
    const kept = await rig.sandbox.control.endCall({ title: 'Kept' });
    await rig.sandbox.control.tick();
    rig.sandbox.control.deleteCall(gone);
    rig.clock.advance(61_000);
    await rig.gw.gateway.changes.tick();
    const replay = subscribe<{ eventId: string; call: { id: string } }>(rig.gw.wsUrl, REPLAY, {
      after: '0-0',
    });
    await eventually(() => replay.items.find((e) => e.call.id === kept), 5_000, 'the kept call');
    replay.stop();
    expect(replay.items.map((e) => e.call.id)).toEqual([kept]);
  });

  it('refuse an `after`, and a sync checkpoint, older than EVENT_RETENTION_HOURS', async () => {
    const sync = await rig.gw.gql<{ gongCallsSync: { checkpoint: string } }>(
      '{ gongCallsSync(first: 1) { checkpoint } }',
    );
    const checkpoint = sync.data!.gongCallsSync.checkpoint;
    // Events move on: a rename now, then two hours later another, which trims what is older than 1 h.
    const [a, b] = callsStarted(rig, DAY - HOUR, HOUR);
    rig.sandbox.control.editCall(a!.metaData.id, { title: 'First rename' });
    rig.clock.advance(61_000);
    await rig.gw.gateway.changes.tick();
    rig.clock.advance(2 * HOUR);
    rig.sandbox.control.editCall(b!.metaData.id, { title: 'Second rename' });
    await rig.gw.gateway.changes.tick();

    const refused = subscribe(rig.gw.wsUrl, REPLAY, { after: '0-0' });
    await refused.done;
    expect(JSON.stringify(refused.errors)).toContain('past the event log');
    const late = await rig.gw.gql(
      'query ($cp: String) { gongCallsSync(checkpoint: $cp) { checkpoint } }',
      {
        cp: checkpoint,
      },
    );
    expect(late.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CHANGES_PAST_RETENTION',
    });
  });
});

/** Moves a log's clock so that `eventId` is just past the retention (and later appends are not). */
type AgePast = (eventId: string) => Promise<void>;
const msOf = (eventId: string) => Number(eventId.split('-')[0]);

/** The same bound on each log. */
function ageBound(
  make: (now: () => number) => { log: EventLog; agePast: (set: (t: number) => void) => AgePast },
) {
  it('drops events older than the retention and refuses replays from before them', async () => {
    let t = Date.now();
    const { log, agePast } = make(() => t);
    const past = agePast((v) => (t = v));
    const append = (key: string) =>
      log.append({
        topic: 'call.changed',
        connectionRef: 'acme',
        dedupeKey: key,
        data: { key },
        receivedAt: new Date(t).toISOString(),
      });
    const old = await append('old');
    await past(old.eventId);
    const fresh = await append('fresh');
    expect(await log.replay('call.changed', 'acme', '0-0', 10)).toEqual({
      ok: false,
      problem: 'past-retention',
    });
    // Right after the newest dropped event nothing is missing.
    const r = await log.replay('call.changed', 'acme', old.eventId, 10);
    expect(r.ok && r.events.map((e) => e.eventId)).toEqual([fresh.eventId]);
    expect(await log.lastEventId('call.changed', 'acme')).toBe(fresh.eventId);
    // A quiet stream ages out when read.
    await past(fresh.eventId);
    expect(await log.replay('call.changed', 'acme', old.eventId, 10)).toEqual({
      ok: false,
      problem: 'past-retention',
    });
    expect(await log.replay('call.changed', 'acme', fresh.eventId, 10)).toEqual({
      ok: true,
      events: [],
    });
    await log.close();
  });
}

describe('the memory log', () => {
  ageBound((now) => ({
    log: createMemoryEventLog({ maxEvents: 100, retentionMs: HOUR, now }),
    agePast: (set) => (id) => Promise.resolve(set(msOf(id) + HOUR + 1)),
  }));
});

describeRedis('the Redis log', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });
  ageBound((now) => {
    const client = new Redis(redis.url);
    clients.push(client);
    return {
      log: createRedisEventLog({
        redis: client,
        prefix: 'age:',
        maxEvents: 100,
        retentionMs: HOUR,
        now,
        blockMs: 100,
      }),
      // Stream ids come from Redis' clock: the next append must land on a later millisecond.
      agePast: (set) => async (id) => {
        set(msOf(id) + HOUR + 1);
        while (Date.now() <= msOf(id) + 1) await client.ping();
      },
    };
  });
});
