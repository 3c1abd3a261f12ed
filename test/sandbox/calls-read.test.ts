import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallResponse,
  CallsExtensiveResponse,
  CallsResponse,
  ErrorResponse,
  NO_CALLS_FOUND,
  TranscriptsResponse,
  type CallData,
} from '../contract/support/gong-bodies.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { ALL_TIME, gong, q, sandbox } from './support.js';

let sb: Sandbox;
let calls: CallData[];
beforeAll(async () => {
  sb = await sandbox({ calls: 250 });
  calls = sb.control.allCalls();
});
afterAll(() => sb.close());

const iso = (ms: number) => new Date(ms).toISOString();

describe('GET /v2/calls', () => {
  it('requires fromDateTime and toDateTime, and rejects malformed dates', async () => {
    const partial: Record<string, string>[] = [
      {},
      { fromDateTime: ALL_TIME.fromDateTime },
      { toDateTime: ALL_TIME.toDateTime },
    ];
    for (const params of partial) {
      const r = await gong(sb, 'GET', `/v2/calls${q(params)}`);
      expect(r.status).toBe(400);
      expect(ErrorResponse.parse(r.body).errors?.[0]).toMatch(/DateTime: must not be null/);
    }
    const bad = await gong(sb, 'GET', `/v2/calls${q({ ...ALL_TIME, fromDateTime: 'yesterday' })}`);
    expect(bad.status).toBe(400);
    expect(ErrorResponse.parse(bad.body).errors?.[0]).toContain("got 'yesterday'");
  });

  it('pages every call, 100 a page, to a last page without cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    const numbers: number[] = [];
    do {
      const r = await gong(
        sb,
        'GET',
        `/v2/calls${q({ ...ALL_TIME, ...(cursor ? { cursor } : {}) })}`,
      );
      const page = CallsResponse.parse(r.body);
      numbers.push(page.records.currentPageNumber);
      expect(page.records.totalRecords).toBe(250);
      seen.push(...page.calls.map((c) => c.id));
      cursor = page.records.cursor ?? undefined;
    } while (cursor);
    expect(numbers).toEqual([0, 1, 2]);
    expect(new Set(seen).size).toBe(250);
  });

  it('compares the scheduled time of Gong-recorded web conferences and the start of other calls', async () => {
    const conference = calls.find(
      (c) => c.metaData.direction === 'Conference' && c.metaData.system !== 'API',
    );
    const uploaded = calls.find(
      (c) => c.metaData.system === 'API' && c.metaData.scheduled !== c.metaData.started,
    );
    if (!conference || !uploaded) throw new Error('seed lacks a conference or an uploaded call');
    const window = (at: string) => q({ fromDateTime: at, toDateTime: iso(Date.parse(at) + 1000) });
    const ids = async (at: string) => {
      const r = await gong(sb, 'GET', `/v2/calls${window(at)}`);
      return r.status === 404 ? [] : CallsResponse.parse(r.body).calls.map((c) => c.id);
    };
    expect(conference.metaData.scheduled).not.toEqual(conference.metaData.started);
    expect(await ids(conference.metaData.scheduled ?? '')).toContain(conference.metaData.id);
    expect(await ids(conference.metaData.started ?? '')).not.toContain(conference.metaData.id);
    expect(await ids(uploaded.metaData.started ?? '')).toContain(uploaded.metaData.id);
    expect(await ids(uploaded.metaData.scheduled ?? '')).not.toContain(uploaded.metaData.id);
  });

  it('answers an empty range with 404 "No calls found corresponding to the provided filters"', async () => {
    const r = await gong(
      sb,
      'GET',
      `/v2/calls${q({ fromDateTime: '2001-01-01T00:00:00Z', toDateTime: '2001-01-02T00:00:00Z' })}`,
    );
    expect(r.status).toBe(404);
    expect(ErrorResponse.parse(r.body).errors).toEqual([NO_CALLS_FOUND]);
  });

  it('filters by workspaceId', async () => {
    const ws = calls[0]?.metaData.workspaceId ?? '';
    const r = await gong(sb, 'GET', `/v2/calls${q({ ...ALL_TIME, workspaceId: ws })}`);
    const body = CallsResponse.parse(r.body);
    expect(body.records.totalRecords).toBe(
      calls.filter((c) => c.metaData.workspaceId === ws).length,
    );
    expect(body.calls.every((c) => c.workspaceId === ws)).toBe(true);
  });
});

describe('GET /v2/calls/{id}', () => {
  it('returns the call, private ones included, and 404 "Call ID <id> was not found"', async () => {
    const priv = calls.find((c) => c.metaData.isPrivate);
    if (!priv) throw new Error('seed has no private call');
    const r = await gong(sb, 'GET', `/v2/calls/${priv.metaData.id}`);
    expect(CallResponse.parse(r.body).call).toEqual(priv.metaData);
    const missing = await gong(sb, 'GET', '/v2/calls/1234567890123456789');
    expect(missing.status).toBe(404);
    expect(ErrorResponse.parse(missing.body).errors).toEqual([
      'Call ID 1234567890123456789 was not found',
    ]);
  });

  it('emits Gong-shaped metadata: 18-19 digit ids, tenant offset, explicit nulls, some fractional seconds', () => {
    for (const c of calls) {
      expect(c.metaData.id).toMatch(/^\d{18,19}$/);
      expect(c.metaData.started).toMatch(/-07:00$/);
      for (const k of ['calendarEventId', 'clientUniqueId', 'customData', 'purpose'] as const)
        expect(k in c.metaData).toBe(true);
    }
    expect(calls.some((c) => /\.\d{6}-07:00$/.test(c.metaData.started ?? ''))).toBe(true);
    expect(calls.filter((c) => c.metaData.isPrivate).length).toBeGreaterThan(0);
  });
});

describe('POST /v2/calls/extensive', () => {
  const extensive = (body: unknown) => gong(sb, 'POST', '/v2/calls/extensive', body);

  it('requires filter and validates it', async () => {
    expect(ErrorResponse.parse((await extensive({})).body).errors).toEqual([
      'filter: must not be null',
    ]);
    const r = await extensive({ filter: { callIds: ['abc'] } });
    expect(r.status).toBe(400);
  });

  it('shows only metaData without a contentSelector', async () => {
    const id = calls[0]?.metaData.id ?? '';
    const body = CallsExtensiveResponse.parse(
      (await extensive({ filter: { callIds: [id] } })).body,
    );
    expect(Object.keys(body.calls[0] ?? {})).toEqual(['metaData']);
  });

  it('adds exactly the sections and fields the contentSelector asks for', async () => {
    const call = calls.find((c) => (c.context ?? []).length > 0 && c.metaData.media === 'Video');
    const id = call?.metaData.id ?? '';
    const one = async (contentSelector: unknown) =>
      CallsExtensiveResponse.parse(
        (await extensive({ filter: { callIds: [id] }, contentSelector })).body,
      ).calls[0];
    const parties = await one({ exposedFields: { parties: true } });
    expect(Object.keys(parties ?? {}).sort()).toEqual(['metaData', 'parties']);
    expect(parties?.parties?.every((p) => !('context' in p))).toBe(true);

    const content = await one({
      exposedFields: { content: { topics: true, pointsOfInterest: true } },
    });
    expect(Object.keys(content?.content ?? {}).sort()).toEqual(['pointsOfInterest', 'topics']);
    for (const a of content?.content?.pointsOfInterest?.actionItems ?? [])
      expect(a).toHaveProperty('speakerID');

    const trackers = await one({ exposedFields: { content: { trackers: true } } });
    expect(trackers?.content?.trackers?.every((t) => !('occurrences' in t))).toBe(true);
    const occurrences = await one({
      exposedFields: { content: { trackers: true, trackerOccurrences: true } },
    });
    expect(occurrences?.content?.trackers?.every((t) => Array.isArray(t.occurrences))).toBe(true);

    const interaction = await one({
      exposedFields: { interaction: { personInteractionStats: true, questions: true } },
    });
    expect(Object.keys(interaction?.interaction ?? {}).sort()).toEqual([
      'interactionStats',
      'questions',
    ]);

    const collab = await one({ exposedFields: { collaboration: { publicComments: true } } });
    expect(Array.isArray(collab?.collaboration?.publicComments)).toBe(true);

    const media = await one({ exposedFields: { media: true } });
    expect(media?.media?.audioUrl).toMatch(/^http/);
    expect(media?.media?.videoUrl).toMatch(/^http/);

    const basic = await one({ context: 'Basic' });
    expect(basic?.context?.[0]?.objects?.every((o) => !('fields' in o))).toBe(true);
    const extended = await one({ context: 'Extended', contextTiming: ['Now', 'TimeOfCall'] });
    const timings = new Set(
      extended?.context?.flatMap((c) => (c.objects ?? []).map((o) => o.timing)),
    );
    expect([...timings].sort()).toEqual(['Now', 'TimeOfCall']);
  });

  it('filters on the actual start time, by primaryUserIds and callIds; unknown callIds are simply absent', async () => {
    const target = calls[5];
    const started = Date.parse(target?.metaData.started ?? '');
    const byStart = CallsExtensiveResponse.parse(
      (
        await extensive({
          filter: {
            fromDateTime: iso(Math.floor(started / 1000) * 1000),
            toDateTime: iso(Math.floor(started / 1000) * 1000 + 1000),
          },
        })
      ).body,
    );
    expect(byStart.calls.map((c) => c.metaData.id)).toContain(target?.metaData.id);

    const primary = target?.metaData.primaryUserId ?? '';
    const byPrimary = CallsExtensiveResponse.parse(
      (await extensive({ filter: { ...ALL_TIME, primaryUserIds: [primary] } })).body,
    );
    expect(byPrimary.records.totalRecords).toBe(
      calls.filter((c) => c.metaData.primaryUserId === primary).length,
    );

    const mixed = CallsExtensiveResponse.parse(
      (await extensive({ filter: { callIds: [target?.metaData.id, '999999999999999999'] } })).body,
    );
    expect(mixed.calls.map((c) => c.metaData.id)).toEqual([target?.metaData.id]);

    const none = await extensive({ filter: { callIds: ['999999999999999999'] } });
    expect(none.status).toBe(404);
    expect(ErrorResponse.parse(none.body).errors).toEqual([NO_CALLS_FOUND]);
  });
});

describe('POST /v2/calls/transcript', () => {
  it('requires filter; returns monologues whose speakerIds are the parties\u2019 speakerIds', async () => {
    expect((await gong(sb, 'POST', '/v2/calls/transcript', {})).status).toBe(400);
    const call = calls.find((c) => (c.parties ?? []).filter((p) => p.speakerId).length >= 2);
    const r = await gong(sb, 'POST', '/v2/calls/transcript', {
      filter: { callIds: [call?.metaData.id] },
    });
    const [t] = TranscriptsResponse.parse(r.body).callTranscripts;
    const speakers = new Set(call?.parties?.map((p) => p.speakerId).filter(Boolean));
    expect(t?.transcript.length).toBeGreaterThan(0);
    for (const m of t?.transcript ?? []) {
      expect(speakers.has(m.speakerId ?? '')).toBe(true);
      for (const s of m.sentences) expect(s.end).toBeGreaterThan(s.start);
    }
  });

  it('intersects callIds with the date range, and answers 404 when nothing matches', async () => {
    const [a, b] = calls;
    const started = Date.parse(a?.metaData.started ?? '');
    const filter = {
      callIds: [a?.metaData.id, b?.metaData.id],
      fromDateTime: iso(started - (started % 1000)),
      toDateTime: iso(started - (started % 1000) + 1000),
    };
    const r = TranscriptsResponse.parse(
      (await gong(sb, 'POST', '/v2/calls/transcript', { filter })).body,
    );
    expect(r.callTranscripts.map((t) => t.callId)).toEqual([a?.metaData.id]);
    const none = await gong(sb, 'POST', '/v2/calls/transcript', {
      filter: { ...filter, callIds: [b?.metaData.id] },
    });
    expect(none.status).toBe(404);
    expect(ErrorResponse.parse(none.body).errors).toEqual([NO_CALLS_FOUND]);
  });
});
