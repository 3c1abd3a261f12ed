/**
 * gongCalls' `from`/`to` bound the call's start, whatever fields are selected: a web conference
 * scheduled at 09:55 that started at 10:05 is inside [10:00, 11:00) with or without `parties`,
 * one scheduled at 10:05 that started at 09:55 is outside both ways, and totalCount agrees.
 * (GET /v2/calls, which filters Gong-recorded web conferences on their scheduled time, would give
 * the opposite answers for a basic-only selection: the sandbox reproduces that endpoint too.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedRegistry } from '../gong/support/clients.js';
import { startHarness, type Harness } from './harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const clock = Math.floor(Date.now() / MIN) * MIN;
// "10:00": an hour boundary well in the past, so both calls have ended and been processed.
const ten = Math.floor(clock / HOUR) * HOUR - 5 * HOUR;

let h: Harness;
let lateStarter: string;
let earlyStarter: string;
beforeAll(async () => {
  h = await startHarness({
    sandbox: {
      users: 10,
      calls: 200,
      now: () => clock,
      processingDelayMs: 0,
      processingIntervalMs: 3_600_000,
    },
    deps: () => ({ now: () => clock }),
  });
  lateStarter = await h.sandbox.control.endCall({
    scheduledAgoMs: clock - (ten - 5 * MIN),
    startedAgoMs: clock - (ten + 5 * MIN),
    durationSeconds: 1800,
  });
  earlyStarter = await h.sandbox.control.endCall({
    scheduledAgoMs: clock - (ten + 5 * MIN),
    startedAgoMs: clock - (ten - 5 * MIN),
    durationSeconds: 1800,
  });
  await h.sandbox.control.tick();
});
afterAll(() => h?.close());

const WINDOW = {
  from: new Date(ten).toISOString(),
  to: new Date(ten + HOUR).toISOString(),
  includePrivate: true,
};
type Page = {
  gongCalls: { totalCount: number; nodes: { id: string; started: string; parties?: unknown[] }[] };
};

describe('gongCalls date window', () => {
  it('means the start time with basic fields only and with parties selected, totalCount included', async () => {
    const basic = await h.gql<Page>(
      'query($f: GongCallsFilter) { gongCalls(first: 100, filter: $f) { totalCount nodes { id started } } }',
      { f: WINDOW },
    );
    const extended = await h.gql<Page>(
      'query($f: GongCallsFilter) { gongCalls(first: 100, filter: $f) { totalCount nodes { id started parties { name } } } }',
      { f: WINDOW },
    );
    expect(basic.errors).toBeUndefined();
    expect(extended.errors).toBeUndefined();
    const ids = (p: Page) => p.gongCalls.nodes.map((n) => n.id).sort();

    expect(ids(basic.data!)).toContain(lateStarter);
    expect(ids(basic.data!)).not.toContain(earlyStarter);
    expect(ids(basic.data!)).toEqual(ids(extended.data!));
    expect(basic.data!.gongCalls.totalCount).toBe(extended.data!.gongCalls.totalCount);
    expect(basic.data!.gongCalls.totalCount).toBe(basic.data!.gongCalls.nodes.length);
    for (const n of basic.data!.gongCalls.nodes) {
      expect(Date.parse(n.started)).toBeGreaterThanOrEqual(ten);
      expect(Date.parse(n.started)).toBeLessThan(ten + HOUR);
    }
  });

  it('differs from what GET /v2/calls answers for the same window (the scheduled time of web conferences)', async () => {
    const res = await fetch(
      `${h.sandbox.url}/v2/calls?fromDateTime=${encodeURIComponent(WINDOW.from)}&toDateTime=${encodeURIComponent(WINDOW.to)}`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${h.sandbox.accessKey}:${h.sandbox.accessKeySecret}`).toString('base64')}`,
        },
      },
    );
    const listed = ((await res.json()) as { calls: { id: string }[] }).calls.map((c) => c.id);
    expect(listed).toContain(earlyStarter);
    expect(listed).not.toContain(lateStarter);
  });

  it('a connection without the extensive scope still lists, through GET /v2/calls (its documented scheduled-time exception)', async () => {
    const basicOnly = await startHarness({
      sandbox: { users: 10, calls: 50 },
      deps: (sb) => ({
        registry: scopedRegistry(sb, [
          { ref: 'default', scopes: ['api:calls:read:basic'], status: 'ACTIVE' },
        ]),
      }),
    });
    try {
      const r = await basicOnly.gql<Page>(
        '{ gongCalls(first: 5, filter: { includePrivate: true }) { totalCount nodes { id started } } }',
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.gongCalls.nodes.length).toBeGreaterThan(0);
      // Refused before sending (no scope), so the one request Gong saw is the list.
      expect(basicOnly.upstream().map((e) => e.endpoint)).toEqual(['GET /v2/calls']);
    } finally {
      await basicOnly.close();
    }
  });
});
