/**
 * The transcript poller against Gong's literal answers at the client's transport edge: ten calls
 * due together are one POST /v2/calls/transcript whose body follows Gong's request schema; Gong's
 * 404 "No calls found corresponding to the provided filters" (nothing ready yet) reschedules
 * them; the spec's CallTranscripts shape publishes them. A call.created whose metaData says
 * `language: "zxx"` (Gong: "not enough speech content") or `media: null` gives up after the dense
 * phase, read from a literal webhook metaData.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryEventLog } from '../../src/events/memory-event-log.js';
import { createMemoryTranscriptInterest } from '../../src/events/transcript-interest.js';
import {
  createTranscriptPoller,
  hintsOf,
  shortLivedReason,
} from '../../src/events/transcript-poller.js';
import { createMemoryTranscriptSchedule } from '../../src/events/transcript-schedule.js';
import { gongAnswering } from './support/gong-answering.js';
import { requestProblems } from './support/gong-spec.js';

const IDS = Array.from({ length: 10 }, (_, i) => `78${String(i).padStart(17, '0')}`);

const NOTHING_READY = {
  status: 404,
  body: {
    requestId: '4cb2k0a1q9w8e7r6t5y',
    errors: ['No calls found corresponding to the provided filters'],
  },
};
const TRANSCRIPTS = {
  status: 200,
  body: {
    requestId: '7e1d3s5a7q9w2e4r6t8',
    records: { totalRecords: 10, currentPageSize: 10, currentPageNumber: 0 },
    callTranscripts: IDS.map((callId) => ({
      callId,
      transcript: [
        {
          speakerId: '6432345678555530067',
          topic: null,
          sentences: [
            {
              start: 460230,
              end: 462343,
              text: 'No wait, I think we should check that out first.',
            },
          ],
        },
      ],
    })),
  },
};

describe('the transcript poller speaks POST /v2/calls/transcript', () => {
  it("asks for ten due calls in one request of Gong's schema, reads the 404 as not yet, then publishes", async () => {
    let clock = Date.UTC(2026, 0, 5) + 1_000;
    const { client, sent } = gongAnswering(NOTHING_READY, TRANSCRIPTS);
    const log = createMemoryEventLog({ maxEvents: 100 });
    const published: string[] = [];
    log.listen((e) => void published.push((e.data as { callId: string }).callId));
    const interest = createMemoryTranscriptInterest({ now: () => clock });
    await interest.want('contract', 'all', 'subscriber');
    const poller = createTranscriptPoller({
      schedule: createMemoryTranscriptSchedule(),
      interest,
      log,
      client: () => client,
      now: () => clock,
      initialDelayMs: 30_000,
      maxDelayMs: 3_600_000,
      giveUpMs: 48 * 3_600_000,
    });
    for (const [i, callId] of IDS.entries()) {
      clock = Date.UTC(2026, 0, 5) + 1_000 + i * 2_000; // webhooks over 18 s of one step
      await poller.schedule({ connectionRef: 'contract', callId });
    }
    clock = Date.UTC(2026, 0, 5) + 30_000;
    await poller.runOnce();
    clock += 30_000;
    await poller.runOnce();

    expect(sent).toHaveLength(2);
    for (const req of sent) {
      expect(`${req.method} ${req.path}`).toBe('POST /v2/calls/transcript');
      expect(requestProblems('POST /v2/calls/transcript', req.body)).toEqual([]);
      expect((req.body as { filter: { callIds: string[] } }).filter.callIds.sort()).toEqual(IDS);
    }
    expect(published.sort()).toEqual(IDS);
    await poller.close();
    await log.close();
  });

  it('reads the fields that say a call will not get a transcript from a literal webhook metaData', () => {
    // metaData as a call.created delivery carries it (explicit nulls, Gong's offset).
    const metaData = {
      id: '7782342274025937895',
      url: 'https://app.gong.io/call?id=7782342274025937895',
      title: 'Dialer call',
      scheduled: null,
      started: '2025-02-03T10:00:02.041977-08:00',
      duration: 48,
      primaryUserId: '234599484848423',
      direction: 'Outbound',
      system: 'Outreach',
      scope: 'External',
      media: 'Audio',
      language: 'zxx',
      workspaceId: '623457276584334',
      sdrDisposition: 'Left voicemail',
      clientUniqueId: null,
      customData: null,
      purpose: null,
      meetingUrl: null,
      isPrivate: false,
      calendarEventId: null,
    };
    expect(shortLivedReason(hintsOf(metaData), 15)).toBe('no-speech');
    expect(shortLivedReason(hintsOf({ ...metaData, language: 'eng', media: null }), 15)).toBe(
      'no-media',
    );
    expect(shortLivedReason(hintsOf({ ...metaData, language: 'eng', duration: 3 }), 15)).toBe(
      'short',
    );
    expect(shortLivedReason(hintsOf({ ...metaData, language: 'eng' }), 15)).toBeUndefined();
    // A thin delivery that leaves media out says nothing about it: the full ladder.
    const thin: Partial<typeof metaData> = { ...metaData, language: 'eng' };
    delete thin.media;
    expect(shortLivedReason(hintsOf(thin), 15)).toBeUndefined();
  });
});
