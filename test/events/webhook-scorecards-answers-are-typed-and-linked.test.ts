/**
 * A real `call.created` webhook carries `content.scorecardsAnswers` (empty in the capture, since
 * nobody has reviewed a call that just ended). The subscription exposes it as typed answered
 * scorecards, linked to the same definitions as `GongCall.scorecards`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { disposeClients, startEventGateway, startEventSandbox, subscribe, subscribed, type EventGateway } from './gateway-harness.js';
import { eventually } from './support.js';

interface Answered { answeredScorecardId: string; callId: string; reviewerUserId: string; scorecard: { scorecardName: string } | null; answers: { questionId: string; question: { questionText: string } | null }[] }
interface Event { isTest: boolean; call: { id: string; content: { scorecardsAnswers: Answered[] | null } | null } }

const QUERY = `subscription { gongCallCreated(includeTest: true) { isTest call { id content { scorecardsAnswers {
  answeredScorecardId callId reviewerUserId scorecard { scorecardName } answers { questionId question { questionText } } } } } } }`;

describe('content.scorecardsAnswers of call.created webhooks', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  let ruleId: string;

  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox);
    ruleId = sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() }).id;
  });
  afterAll(async () => {
    await disposeClients();
    await gw?.close();
    await sandbox?.close();
  });

  it('is an empty list for a call that just ended, and typed answers linked to their definitions once a reviewer answered', async () => {
    const events = subscribe<Event>(gw.wsUrl, QUERY);
    await subscribed(gw, 1);
    const callId = await sandbox.control.endCall({ title: 'Discovery with Initech', isPrivate: false });
    await sandbox.control.tick();
    const first = await eventually(() => events.items[0], 10_000, 'the live delivery');
    expect(first).toMatchObject({ isTest: false, call: { id: callId, content: { scorecardsAnswers: [] } } });

    const answeredId = sandbox.control.answerScorecard(callId);
    await sandbox.control.sendTestWebhook(ruleId);
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
