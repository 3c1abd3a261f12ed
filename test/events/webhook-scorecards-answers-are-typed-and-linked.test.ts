/**
 * A real `call.created` webhook carries `content.scorecardsAnswers` (empty in the capture, since
 * nobody has reviewed a call that just ended). The subscription exposes it as typed answered
 * scorecards, linked to the same definitions as `GongCall.scorecards`.
 */
import { describe, expect, it } from 'vitest';
import { subscribe, subscribed, useEventGateway } from './gateway-harness.js';
import { eventually } from './support.js';

interface Answered {
  answeredScorecardId: string;
  callId: string;
  reviewerUserId: string;
  scorecard: { scorecardName: string } | null;
  answers: { questionId: string; question: { questionText: string } | null }[];
}
interface Event {
  isTest: boolean;
  call: { id: string; content: { scorecardsAnswers: Answered[] | null } | null };
}

const QUERY = `subscription { gongCallCreated(includeTest: true) { isTest call { id content { scorecardsAnswers {
  answeredScorecardId callId reviewerUserId scorecard { scorecardName } answers { questionId question { questionText } } } } } } }`;

describe('content.scorecardsAnswers of call.created webhooks', () => {
  const h = useEventGateway();

  it('is an empty list for a call that just ended, and typed answers linked to their definitions once a reviewer answered', async () => {
    const events = subscribe<Event>(h.gw.wsUrl, QUERY);
    await subscribed(h.gw, 1);
    const callId = await h.sandbox.control.endCall({
      title: 'Discovery with Initech',
      isPrivate: false,
    });
    await h.sandbox.control.tick();
    const first = await eventually(() => events.items[0], 10_000, 'the live delivery');
    expect(first).toMatchObject({
      isTest: false,
      call: { id: callId, content: { scorecardsAnswers: [] } },
    });

    const answeredId = h.sandbox.control.answerScorecard(callId);
    await h.sandbox.control.sendTestWebhook(h.ruleId);
    const second = await eventually(() => events.items[1], 10_000, 'the test delivery');
    expect(second.isTest).toBe(true);
    const [answered] = second.call.content?.scorecardsAnswers ?? [];
    expect(answered?.answeredScorecardId).toBe(answeredId);
    expect(answered?.callId).toBe(callId);
    expect(answered?.reviewerUserId).toMatch(/^\d+$/);
    expect(answered?.scorecard?.scorecardName).toBeTruthy();
    expect(answered?.answers.length).toBeGreaterThan(0);
    for (const a of answered?.answers ?? []) expect(a.question?.questionText).toBeTruthy();
    expect(events.errors).toEqual([]);
  });
});
