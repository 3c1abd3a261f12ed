/**
 * Gong announces no change to a processed call. The reconciler re-reads a connection's recent calls
 * (the last day often, the whole window less often) and notices each change once: a rename and an
 * outcome set later (UPDATED with the fields), a privacy flip, a deletion (confirmed by id), and an
 * upload by another integration with a start days old (CREATED). What it costs is read from the
 * sandbox's request log: one request per 100 calls listed, one per 100 confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../events/support.js';
import {
  callsStarted,
  changesSoFar,
  DAY,
  startChangeRig,
  type ChangeEvent,
  type ChangeRig,
} from './support.js';

let rig: ChangeRig;
beforeAll(async () => {
  rig = await startChangeRig();
});
afterAll(() => rig?.close());

const changesCounted = async () =>
  (await rig.gw.gateway.metrics.callChanges.get()).values.reduce((n, v) => n + v.value, 0);
const sweepListing = () => rig.upstream().filter((e) => e.endpoint === 'POST /v2/calls/extensive');

describe('the reconciler', () => {
  it('builds the index with one request per 100 calls of the window, and reports nothing then', async () => {
    // Any operation puts the connection in use.
    await rig.gw.gql('{ gongWorkspaces { id } }');
    rig.reset();
    const reports = await rig.gw.gateway.changes.tick();
    expect(reports.map((r) => [r.kind, r.outcome])).toEqual([['full', 'done']]);
    const inWindow = callsStarted(rig, 14 * DAY, 0).length;
    expect(reports[0]!.listed).toBe(inWindow);
    const listing = sweepListing();
    expect(listing).toHaveLength(Math.ceil(inWindow / 100));
    // Only the outcome beside metaData: the same one request per 100 calls.
    expect((listing[0]!.body as { contentSelector?: unknown }).contentSelector).toEqual({
      exposedFields: { content: { callOutcome: true } },
    });
    expect(await changesCounted()).toBe(0);
    // Nothing is due until the clock moves.
    rig.reset();
    expect(await rig.gw.gateway.changes.tick()).toEqual([]);
    expect(rig.upstream()).toHaveLength(0);
  });

  it('notices renames, outcomes, privacy flips, deletions and old uploads, each once', async () => {
    const recent = callsStarted(rig, DAY - 3_600_000, 0);
    const older = callsStarted(rig, 12 * DAY, 2 * DAY);
    const [renamed, hidden] = recent;
    const [deleted, outcome] = older;
    const c = rig.sandbox.control;
    c.editCall(renamed!.metaData.id, { title: 'Renamed after processing' });
    c.editCall(hidden!.metaData.id, { isPrivate: true });
    c.deleteCall(deleted!.metaData.id);
    // Another outcome than the one Gong AI set first.
    const first = outcome!.content?.callOutcome?.name;
    c.setCallOutcome(outcome!.metaData.id, first === 'Meeting booked' ? 'Busy' : 'Meeting booked');
    const uploaded = c.importCall({ startedAgoMs: 3 * DAY, title: 'Dialer backfill' });

    // The recent sweep sees the last day only: the rename and the flip.
    rig.clock.advance(61_000);
    rig.reset();
    const recentSweep = await rig.gw.gateway.changes.tick();
    expect(recentSweep.map((r) => r.kind)).toEqual(['recent']);
    expect(rig.upstream()).toHaveLength(1);
    expect(await changesCounted()).toBe(2);

    // The whole window: the outcome, the upload, and the deletion (confirmed by one by-id read).
    rig.clock.advance(600_000);
    rig.reset();
    const fullSweep = await rig.gw.gateway.changes.tick();
    expect(fullSweep.map((r) => [r.kind, r.deleted])).toEqual([['full', 1]]);
    const reads = rig.upstream();
    const confirm = reads.filter(
      (e) => (e.body as { filter?: { callIds?: string[] } }).filter?.callIds !== undefined,
    );
    expect(
      confirm.map((e) => (e.body as { filter: { callIds: string[] } }).filter.callIds),
    ).toEqual([[deleted!.metaData.id]]);
    expect(reads).toHaveLength(Math.ceil(callsStarted(rig, 14 * DAY, 0).length / 100) + 1);
    expect(await changesCounted()).toBe(5);

    const events = await changesSoFar(rig.gw.wsUrl, 5);
    const byCall = (id: string) => events.filter((e) => e.callId === id);
    expect(byCall(renamed!.metaData.id)).toMatchObject([
      { kind: 'UPDATED', changedFields: ['title'], call: { title: 'Renamed after processing' } },
    ]);
    expect(byCall(hidden!.metaData.id)).toMatchObject([
      { kind: 'MADE_PRIVATE', changedFields: ['isPrivate'], call: { isPrivate: true } },
    ]);
    expect(byCall(deleted!.metaData.id)).toMatchObject([
      { kind: 'DELETED', changedFields: [], call: null },
    ]);
    expect(byCall(outcome!.metaData.id)).toMatchObject([
      { kind: 'UPDATED', changedFields: ['content.callOutcome'] },
    ]);
    expect(byCall(uploaded)).toMatchObject([
      { kind: 'CREATED', changedFields: [], call: { title: 'Dialer backfill' } },
    ]);
  });

  it('a sweep that finds nothing new publishes nothing', async () => {
    rig.clock.advance(600_000);
    await rig.gw.gateway.changes.tick();
    expect(await changesCounted()).toBe(5);
  });

  it('a call the gateway already saw is not CREATED again: read first, or announced by webhook', async () => {
    const before = await changesCounted();
    const read = rig.sandbox.control.importCall({ startedAgoMs: 2 * DAY, title: 'Seen by a read' });
    const got = await rig.gw.gql<{ gongCall: { id: string } | null }>(
      'query ($id: ID!) { gongCall(id: $id) { id title } }',
      { id: read },
    );
    expect(got.data?.gongCall?.id).toBe(read);
    const announced = await rig.sandbox.control.endCall({ title: 'Announced by webhook' });
    await rig.sandbox.control.tick();
    await rig.gw.gateway.changes.settled('default');
    rig.clock.advance(600_000);
    await rig.gw.gateway.changes.tick();
    expect(await changesCounted()).toBe(before + 2);
    const events: ChangeEvent[] = await changesSoFar(rig.gw.wsUrl, before + 2);
    expect(events.filter((e) => e.callId === read).map((e) => e.kind)).toEqual(['CREATED']);
    expect(events.filter((e) => e.callId === announced).map((e) => e.kind)).toEqual(['CREATED']);
  });

  it('sweeps only connections in use: idle for RECONCILE_IDLE_HOURS, it is left alone until a read', async () => {
    // The replays above have ended (an open subscription keeps its connection in use).
    await eventually(
      async () =>
        (await rig.gw.gateway.metrics.openSubscriptions.get()).values.every((v) => v.value === 0)
          ? true
          : undefined,
      5_000,
      'no open subscription',
    );
    rig.clock.advance(73 * 3_600_000);
    rig.reset();
    expect(await rig.gw.gateway.changes.tick()).toEqual([]);
    expect(rig.upstream()).toHaveLength(0);
    await rig.gw.gql('{ gongWorkspaces { id } }');
    expect((await rig.gw.gateway.changes.tick()).map((r) => r.kind)).toEqual(['full']);
  });
});
