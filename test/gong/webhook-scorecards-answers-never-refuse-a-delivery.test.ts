import { describe, expect, it } from 'vitest';
import { WebhookPayload } from '../../src/gong/wire.js';

const callData = (scorecardsAnswers: unknown) => ({
  callData: {
    metaData: { id: '7782342274025937895', started: '2026-11-30T10:00:00-07:00' },
    content: { topics: [], trackers: [], scorecardsAnswers },
  },
  isTest: false,
  isPrivate: false,
});

describe('a webhook payload with content.scorecardsAnswers', () => {
  it("types Gong's answered scorecards, int64 ids sent as numbers or strings", () => {
    const parsed = WebhookPayload.parse(
      callData([
        {
          answeredScorecardId: 940897630204201,
          scorecardId: '328015853830096',
          callId: '7782342274025937895',
          answers: [{ questionId: 635870632151420, score: 4, selectedOptions: [2] }],
        },
      ]),
    );
    expect(parsed.callData.content?.scorecardsAnswers).toEqual([
      {
        answeredScorecardId: '940897630204201',
        scorecardId: '328015853830096',
        callId: '7782342274025937895',
        answers: [{ questionId: '635870632151420', score: 4, selectedOptions: ['2'] }],
      },
    ]);
  });

  it('leaves out an entry it cannot read (an id past 2^53 sent as a number, no id) but keeps the delivery', () => {
    const parsed = WebhookPayload.safeParse(
      callData([
        { answeredScorecardId: Number.MAX_SAFE_INTEGER + 2 },
        { scorecardName: 'no id' },
        { answeredScorecardId: '1' },
      ]),
    );
    expect(parsed.success).toBe(true);
    expect(parsed.data?.callData.content?.scorecardsAnswers).toEqual([
      { answeredScorecardId: '1' },
    ]);
  });

  it('accepts the empty list of the real capture', () => {
    expect(WebhookPayload.parse(callData([])).callData.content?.scorecardsAnswers).toEqual([]);
  });
});
