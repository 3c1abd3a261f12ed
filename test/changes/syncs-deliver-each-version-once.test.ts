/**
 * gongCallsSync delivers versions, not just ids: a call renamed after a chain delivered it comes
 * again once, with its new title (and by-id views show it at once, from the cache the sweep
 * updated); a change to a field the sync does not select delivers nothing; and a call another
 * integration uploaded with a start 3 days back, which no webhook announced, is delivered once by
 * a chain started before it, and reported CREATED once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callsStarted,
  changesSoFar,
  DAY,
  indexed,
  startChangeRig,
  type ChangeRig,
} from './support.js';

let rig: ChangeRig;
let checkpoint: string | null = null;
beforeAll(async () => {
  rig = await startChangeRig({ env: { SYNC_START_DAYS: '5' } });
  await indexed(rig);
});
afterAll(() => rig?.close());

type Node = { id: string; title: string };
const SYNC = `query ($cp: String) {
  gongCallsSync(checkpoint: $cp) { nodes { id title } removedCallIds checkpoint hasMore }
}`;

/** One chain, stepped until its scan is done: every node it delivered. */
async function step(): Promise<Node[]> {
  const nodes: Node[] = [];
  for (;;) {
    const r = await rig.gw.gql<{
      gongCallsSync: { nodes: Node[]; checkpoint: string; hasMore: boolean };
    }>(SYNC, { cp: checkpoint });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    nodes.push(...r.data.gongCallsSync.nodes);
    checkpoint = r.data.gongCallsSync.checkpoint;
    if (!r.data.gongCallsSync.hasMore) return nodes;
  }
}

const sweep = async () => {
  rig.clock.advance(601_000);
  await rig.gw.gateway.changes.tick();
};

describe('gongCallsSync', () => {
  it('delivers a call again, once, when it was renamed after delivery, outside the overlap too', async () => {
    const first = await step();
    const target = callsStarted(rig, 4 * DAY, 2 * DAY).find((c) => !c.metaData.isPrivate)!;
    expect(first.map((n) => n.id)).toContain(target.metaData.id);

    rig.sandbox.control.editCall(target.metaData.id, { title: 'Renamed for the warehouse' });
    await sweep();
    rig.reset();
    const view = await rig.gw.gql<{ gongCall: Node }>(
      'query ($id: ID!) { gongCall(id: $id) { id title } }',
      { id: target.metaData.id },
    );
    expect(view.data?.gongCall.title).toBe('Renamed for the warehouse');
    expect(rig.upstream()).toHaveLength(0);

    const again = await step();
    expect(again.filter((n) => n.id === target.metaData.id)).toEqual([
      { id: target.metaData.id, title: 'Renamed for the warehouse' },
    ]);
    await sweep();
    expect((await step()).map((n) => n.id)).not.toContain(target.metaData.id);
  });

  it('does not deliver a call again for a change to a field it does not select', async () => {
    const target = callsStarted(rig, 4 * DAY, 2 * DAY).filter((c) => !c.metaData.isPrivate)[1]!;
    const first = target.content?.callOutcome?.name;
    rig.sandbox.control.setCallOutcome(
      target.metaData.id,
      first === 'Call back later' ? 'Busy' : 'Call back later',
    );
    await sweep();
    // The change was seen (and published), but the sync selects no outcome: nothing to deliver.
    const changes = await changesSoFar(rig.gw.wsUrl, 2);
    expect(changes.find((e) => e.callId === target.metaData.id)).toMatchObject({
      kind: 'UPDATED',
      changedFields: ['content.callOutcome'],
    });
    expect((await step()).map((n) => n.id)).not.toContain(target.metaData.id);
  });

  it('delivers an upload 3 days old that no webhook announced, once, and reports it CREATED once', async () => {
    const before = (await changesSoFar(rig.gw.wsUrl, 2)).length;
    const uploaded = rig.sandbox.control.importCall({ startedAgoMs: 3 * DAY, title: 'Backfilled' });
    await sweep();
    expect((await step()).filter((n) => n.id === uploaded)).toEqual([
      { id: uploaded, title: 'Backfilled' },
    ]);
    await sweep();
    expect((await step()).map((n) => n.id)).not.toContain(uploaded);
    const changes = await changesSoFar(rig.gw.wsUrl, before + 1);
    expect(changes.filter((e) => e.callId === uploaded).map((e) => e.kind)).toEqual(['CREATED']);
  });
});
