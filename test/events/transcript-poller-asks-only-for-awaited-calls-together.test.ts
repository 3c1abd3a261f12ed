/**
 * The transcript poller against the sandbox, on one injected clock: calls due in the same step
 * share one POST /v2/calls/transcript whatever their arrival; a call nobody waits for costs no
 * request until someone does; the first checks are one step apart, so transcript.ready comes
 * within one step of the transcript being readable; calls Gong marks short, without media or
 * without speech give up when the dense phase ends; and a call that never gets a transcript
 * costs the number of checks docs/caching.md states (62 or 63 with the defaults, by where the slots fall).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryEventLog } from '../../src/events/memory-event-log.js';
import {
  createMemoryTranscriptInterest,
  type TranscriptInterest,
} from '../../src/events/transcript-interest.js';
import {
  createTranscriptPoller,
  type TranscriptPoller,
} from '../../src/events/transcript-poller.js';
import {
  createMemoryTranscriptSchedule,
  type TranscriptSchedule,
} from '../../src/events/transcript-schedule.js';
import type { EventLog } from '../../src/events/event-log.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients } from '../gong/support/clients.js';

const STEP = 30_000;
const DENSE = 180_000;
const HOUR = 3_600_000;
const REF = 'default';

/** A fixed midnight (slots are multiples of each gap since the epoch) plus a second. */
let clock = Date.UTC(2026, 0, 5) + 1_000;
let sb: Sandbox;
let clients: ReturnType<typeof makeClients>;

beforeAll(async () => {
  sb = await startSandbox({
    rateLimit: false,
    users: 10,
    calls: 20,
    now: () => clock,
    processingDelayMs: 0,
    transcriptDelayMs: 45_000,
  });
  clients = makeClients(sb, { limits: { perSecond: 1000 } });
});
afterAll(async () => {
  await clients.close();
  await sb.close();
});

let log: EventLog;
let schedule: TranscriptSchedule;
let interest: TranscriptInterest;
let poller: TranscriptPoller;
let published: string[];
beforeEach(() => {
  log = createMemoryEventLog({ maxEvents: 1000 });
  published = [];
  log.listen((e) => void published.push((e.data as { callId: string }).callId));
  schedule = createMemoryTranscriptSchedule();
  interest = createMemoryTranscriptInterest({ now: () => clock });
  poller = createTranscriptPoller({
    schedule,
    interest,
    log,
    client: () => clients.client(REF),
    now: () => clock,
    initialDelayMs: STEP,
    denseMs: DENSE,
    maxDelayMs: HOUR,
    giveUpMs: 48 * HOUR,
    shortCallSeconds: 15,
  });
  sb.control.resetLog();
});

const transcriptRequests = () =>
  sb.control
    .requestLog()
    .filter((e) => e.endpoint === 'POST /v2/calls/transcript')
    .map((e) => (e.body as { filter: { callIds: string[] } }).filter.callIds.length);

/** Moves the clock, lets the sandbox process, runs one poller pass. */
async function at(ms: number): Promise<void> {
  clock = ms;
  await sb.control.tick();
  await poller.runOnce();
}

describe('the transcript poller', () => {
  it('asks for ten calls due in the same step in one request, and publishes each within one step of its transcript', async () => {
    const start = clock;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await sb.control.endCall({ durationSeconds: 300 }));
    await sb.control.tick();
    await interest.want(REF, 'all', 'subscriber');
    for (const [i, callId] of ids.entries()) {
      clock = start + i * 2_000; // webhooks arriving over 18 s
      await poller.schedule({ connectionRef: REF, callId, call: { duration: 300 } });
    }
    const slot = start - 1_000 + STEP;
    await at(slot); // transcripts readable at start + 45 s: none yet
    expect(transcriptRequests()).toEqual([10]);
    expect(published).toEqual([]);
    await at(slot + STEP);
    expect(transcriptRequests()).toEqual([10, 10]);
    expect(published.sort()).toEqual([...ids].sort());
    // Readable at start + 45 s, published at start + 59 s: within one step.
    expect(slot + STEP - (start + 45_000)).toBeLessThanOrEqual(STEP);
    expect(await schedule.size()).toBe(0);
    clock += HOUR;
  });

  it('does not ask about a call nobody waits for, and asks at its next step once someone does', async () => {
    const start = clock;
    const callId = await sb.control.endCall({ durationSeconds: 300 });
    await sb.control.tick();
    await poller.schedule({ connectionRef: REF, callId });
    for (let t = start + STEP; t < start + 5 * STEP; t += STEP) await at(t);
    expect(transcriptRequests()).toEqual([]);
    expect(await schedule.size()).toBe(1);

    const lease = await interest.want(REF, callId, 'read-model');
    await at(clock + STEP);
    expect(transcriptRequests()).toEqual([1]);
    expect(published).toEqual([callId]);
    await lease.release();
    clock += HOUR;
  });

  it('gives up when the dense phase ends on calls Gong marks short, without media or without speech', async () => {
    const start = clock;
    const marks = [
      { duration: 3 },
      { duration: 600, media: null },
      { duration: 600, language: 'zxx' },
    ];
    await interest.want(REF, 'all', 'subscriber');
    for (const [i, call] of marks.entries())
      await poller.schedule({ connectionRef: REF, callId: String(9_000_000_000 + i), call });
    for (let t = start; t <= start + DENSE + 2 * STEP; t += STEP) await at(t);
    expect(await schedule.size()).toBe(0);
    // Checked every step of the dense phase (one request for the three), then no more.
    expect(transcriptRequests()).toEqual(Array(DENSE / STEP).fill(3));
    clock += HOUR;
  });

  it('checks a call that never gets a transcript 63 times over 48 h, the first six one step apart', async () => {
    clock = Date.UTC(2026, 0, 12) + 1_000; // the ladder's slots depend on where it starts
    const start = clock;
    await interest.want(REF, 'all', 'subscriber', { ttlMs: Infinity });
    await poller.schedule({
      connectionRef: REF,
      callId: '9100000000000000000',
      call: { duration: 600 },
    });
    const checks: number[] = [];
    for (let t = start; t <= start + 49 * HOUR; t += STEP) {
      const before = transcriptRequests().length;
      await at(t);
      if (transcriptRequests().length > before) checks.push(t - start);
    }
    expect(checks.slice(0, 6)).toEqual([30_000, 60_000, 90_000, 120_000, 150_000, 180_000]);
    // Then gaps of 60, 120, 240 … s up to an hour, each ending on a multiple of itself.
    expect(checks.slice(6, 16)).toEqual(
      [240, 360, 480, 720, 960, 1440, 1920, 2880, 3840, 5760].map((s) => s * 1000),
    );
    expect(checks).toHaveLength(63);
    expect(checks.at(-1)).toBeLessThanOrEqual(48 * HOUR);
    expect(await schedule.size()).toBe(0);
  });
});
