/**
 * A real call.created delivery is thin (no brief, key points, tracker occurrences, speakers,
 * questions or media). gongCallCreated still answers every selected field as gongCall does: what
 * the payload lacks costs one /v2/calls/extensive request per event, shared by identical
 * subscriptions, and a subscription that selects only what the payload carries costs none.
 */
import { describe, expect, it } from 'vitest';
import { subscribe, subscribed, useEventGateway } from './gateway-harness.js';
import { eventually } from './support.js';

const RICH = `subscription { gongCallCreated { eventId call {
  id title
  content { brief keyPoints { text } topics { name } trackers { name count occurrences { startTime } } }
  interaction { speakers { partyId talkTime } questions { companyCount } interactionStats { name } }
  mediaUrls { audioUrl }
} } }`;
const CARRIED = `subscription { gongCallCreated { eventId call { id title content { topics { name } trackers { name count } } interaction { interactionStats { name } } } } }`;

interface RichCall {
  id: string;
  content: {
    brief: string | null;
    keyPoints: { text: string }[] | null;
    trackers: { occurrences: unknown[] | null }[] | null;
  } | null;
  interaction: { speakers: unknown[] | null; questions: { companyCount: number } | null } | null;
  mediaUrls: { audioUrl: string } | null;
}

describe('gongCallCreated with a thin webhook', () => {
  const h = useEventGateway();

  it('fetches the sections the payload lacks once per event for identical subscriptions, and nothing when it carries them', async () => {
    const a = subscribe<{ call: RichCall }>(h.gw.wsUrl, RICH);
    const b = subscribe<{ call: RichCall }>(h.gw.wsUrl, RICH);
    const carried = subscribe<{ call: { id: string; content: { topics: unknown[] | null } } }>(
      h.gw.wsUrl,
      CARRIED,
    );
    await subscribed(h.gw, 3);
    h.sandbox.control.resetLog();
    const callId = await h.sandbox.control.endCall({ title: 'Thin delivery', isPrivate: false });
    await h.sandbox.control.tick();

    const [ea, eb, ec] = await Promise.all([
      eventually(() => a.items[0], 10_000, 'first rich subscriber'),
      eventually(() => b.items[0], 10_000, 'second rich subscriber'),
      eventually(() => carried.items[0], 10_000, 'carried-fields subscriber'),
    ]);
    expect(a.errors).toEqual([]);
    expect(ec.call.id).toBe(callId);
    expect(ec.call.content.topics).not.toBeNull();

    const truth = h.sandbox.control.allCalls().find((c) => c.metaData.id === callId)!;
    for (const e of [ea, eb]) {
      expect(e.call.id).toBe(callId);
      expect(e.call.content?.brief).toBe(truth.content?.brief);
      expect(e.call.content?.keyPoints).toEqual(
        truth.content?.keyPoints?.map((k) => ({ text: k.text })),
      );
      expect(e.call.content?.trackers?.every((t) => Array.isArray(t.occurrences))).toBe(true);
      expect(e.call.interaction?.speakers).toHaveLength(truth.interaction?.speakers?.length ?? -1);
      expect(e.call.interaction?.questions?.companyCount).toBe(
        truth.interaction?.questions?.companyCount,
      );
      expect(e.call.mediaUrls?.audioUrl).toMatch(new RegExp(`/${callId}\\.mp3`));
    }

    // One request for the identical pair (the hub executes once per group), none for the carried-only one.
    const extensive = h.sandbox.control
      .requestLog()
      .filter((r) => r.endpoint === 'POST /v2/calls/extensive');
    expect(extensive).toHaveLength(1);
    const body = extensive[0]!.body as {
      filter: { callIds: string[] };
      contentSelector: { exposedFields: Record<string, unknown> };
    };
    expect(body.filter.callIds).toEqual([callId]);
    expect(body.contentSelector.exposedFields).toMatchObject({
      media: true,
      content: { brief: true, keyPoints: true, trackerOccurrences: true },
      interaction: { speakers: true, questions: true },
    });
  });
});
