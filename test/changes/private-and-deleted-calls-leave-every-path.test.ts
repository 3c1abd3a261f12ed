/**
 * One privacy rule on every path. Each path is warmed first (caches, sync chains, the event log),
 * then the sandbox makes calls private or deletes them, as Gong users do, and one sweep runs.
 * Without `includePrivate`, a call made private is gone from `gongCall`, `gongCallsByIds`,
 * `gongCalls`, links, `_entities` (GongCall and GongTranscript, which have no includePrivate),
 * transcripts, syncs (reported in `removedCallIds`), live subscriptions and replays; a deleted call
 * and its transcript are gone from every path, includePrivate or not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';
import {
  CALL_CHANGED,
  callsStarted,
  changesSoFar,
  DAY,
  indexed,
  startChangeRig,
  type ChangeEvent,
  type ChangeRig,
} from './support.js';

let rig: ChangeRig;
let hidden: string;
let deleted: string;
let announced: string;
let later: string;
const syncs: Record<string, string> = {};

const CALLS_SYNC = `query ($cp: String, $p: Boolean) {
  gongCallsSync(checkpoint: $cp, includePrivate: $p) { nodes { id } removedCallIds checkpoint hasMore }
}`;
const TRANSCRIPTS_SYNC = `query ($cp: String) {
  gongTranscriptsSync(checkpoint: $cp) { nodes { callId } removedCallIds checkpoint hasMore }
}`;
type SyncPage = {
  nodes: { id?: string; callId?: string }[];
  removedCallIds: string[];
  checkpoint: string;
  hasMore: boolean;
};

/** Runs a sync chain to the end of its current scan; what it delivered and removed. */
async function drain(query: string, key: string, field: 'gongCallsSync' | 'gongTranscriptsSync') {
  const out = { ids: [] as string[], removed: [] as string[] };
  for (;;) {
    const r = await rig.gw.gql<Record<string, SyncPage>>(query, { cp: syncs[key] ?? null });
    const page = r.data?.[field];
    if (!page) throw new Error(JSON.stringify(r.errors));
    out.ids.push(...page.nodes.map((n) => n.id ?? n.callId ?? ''));
    out.removed.push(...page.removedCallIds);
    syncs[key] = page.checkpoint;
    if (!page.hasMore) return out;
  }
}

const ENTITIES = `query ($r: [_Any!]!) {
  _entities(representations: $r) { ... on GongCall { id } ... on GongTranscript { callId } }
}`;
const byId = (id: string, includePrivate = false) =>
  rig.gw.gql<{ gongCall: { id: string; isPrivate: boolean } | null }>(
    'query ($id: ID!, $p: Boolean) { gongCall(id: $id, includePrivate: $p) { id title isPrivate transcript { callId } } }',
    { id, p: includePrivate },
  );

beforeAll(async () => {
  rig = await startChangeRig({ env: { SYNC_START_DAYS: '3' } });
  await indexed(rig);
  const recent = callsStarted(rig, DAY - 7_200_000, 3_600_000).filter((c) => !c.metaData.isPrivate);
  hidden = recent[0]!.metaData.id;
  deleted = recent[1]!.metaData.id;
  announced = await rig.sandbox.control.endCall({ title: 'Announced, then hidden' });
  later = await rig.sandbox.control.endCall({ title: 'Announced later' });
  await rig.sandbox.control.tick();
  await rig.gw.gateway.changes.settled('default');

  // Warm every path: the caches, both syncs, the event log.
  for (const id of [hidden, deleted, announced])
    expect((await byId(id)).data?.gongCall?.id).toBe(id);
  expect((await drain(CALLS_SYNC, 'calls', 'gongCallsSync')).ids).toEqual(
    expect.arrayContaining([hidden, deleted, announced]),
  );
  expect((await drain(TRANSCRIPTS_SYNC, 'transcripts', 'gongTranscriptsSync')).ids).toEqual(
    expect.arrayContaining([hidden, deleted]),
  );

  rig.sandbox.control.editCall(hidden, { isPrivate: true });
  rig.sandbox.control.editCall(announced, { isPrivate: true });
  rig.sandbox.control.deleteCall(deleted);
  rig.clock.advance(61_000);
  expect((await rig.gw.gateway.changes.tick()).map((r) => r.kind)).toEqual(['recent']);
});
afterAll(() => rig?.close());

describe('after one sweep', () => {
  it('by-id reads: hidden without includePrivate, deleted always, and no request (the sweep updated the cache, and left a tombstone)', async () => {
    rig.reset();
    expect((await byId(hidden)).data?.gongCall).toBeNull();
    expect((await byId(hidden, true)).data?.gongCall).toMatchObject({
      id: hidden,
      isPrivate: true,
    });
    expect((await byId(deleted, true)).data?.gongCall).toBeNull();
    const many = await rig.gw.gql<{ gongCallsByIds: unknown[] }>(
      'query ($ids: [ID!]!) { gongCallsByIds(ids: $ids) { id } }',
      { ids: [hidden, deleted, announced] },
    );
    expect(many.data?.gongCallsByIds).toEqual([null, null, null]);
    expect(rig.upstream()).toHaveLength(0);
  });

  it('lists and links leave them out', async () => {
    const from = new Date(rig.clock.now() - 2 * DAY).toISOString();
    const list = await rig.gw.gql<{ gongCalls: { nodes: { id: string }[] } }>(
      'query ($from: DateTime) { gongCalls(first: 100, filter: { from: $from }) { nodes { id } } }',
      { from },
    );
    const ids = list.data!.gongCalls.nodes.map((n) => n.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(hidden);
    expect(ids).not.toContain(deleted);
    const transcripts = await rig.gw.gql<{ gongTranscripts: { nodes: { callId: string }[] } }>(
      'query ($ids: [ID!]) { gongTranscripts(filter: { callIds: $ids }) { nodes { callId call { id } } } }',
      { ids: [hidden, deleted] },
    );
    expect(transcripts.data?.gongTranscripts.nodes).toEqual([]);
  });

  it('_entities never serves a private or deleted call, nor its transcript', async () => {
    const r = await rig.gw.gql<{ _entities: unknown[] }>(ENTITIES, {
      r: [
        { __typename: 'GongCall', id: hidden },
        { __typename: 'GongCall', id: deleted },
        { __typename: 'GongTranscript', callId: hidden },
        { __typename: 'GongTranscript', callId: deleted },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([null, null, null, null]);
  });

  it('syncs report them in removedCallIds and deliver them no more', async () => {
    const calls = await drain(CALLS_SYNC, 'calls', 'gongCallsSync');
    expect(calls.ids).not.toContain(hidden);
    expect(calls.removed.sort()).toEqual([announced, deleted, hidden].sort());
    const transcripts = await drain(TRANSCRIPTS_SYNC, 'transcripts', 'gongTranscriptsSync');
    expect(transcripts.removed).toEqual(expect.arrayContaining([hidden, deleted]));
    // Removed once: the next steps are quiet.
    expect((await drain(CALLS_SYNC, 'calls', 'gongCallsSync')).removed).toEqual([]);
  });

  it('a replay skips a call made private since its webhook, and a live subscriber learns of the flip without the call', async () => {
    const replay = subscribe<{ call: { id: string } }>(
      rig.gw.wsUrl,
      'subscription { gongCallCreated(after: "0-0") { eventId call { id } } }',
    );
    await eventually(() => replay.items.find((e) => e.call.id === later), 5_000, 'the later call');
    replay.stop();
    expect(replay.items.map((e) => e.call.id)).not.toContain(announced);

    const live = subscribe<ChangeEvent>(rig.gw.wsUrl, CALL_CHANGED, {});
    const before = (await changesSoFar(rig.gw.wsUrl, 3)).length;
    await eventually(
      async () =>
        (await rig.gw.gateway.metrics.openSubscriptions.get()).values.some((v) => v.value > 0)
          ? true
          : undefined,
      5_000,
      'the live subscription',
    );
    rig.sandbox.control.editCall(later, { isPrivate: true });
    rig.clock.advance(61_000);
    await rig.gw.gateway.changes.tick();
    const flip = await eventually(
      () => live.items.find((e) => e.callId === later),
      5_000,
      'the flip',
    );
    expect(flip).toMatchObject({ kind: 'MADE_PRIVATE', call: null, changedFields: ['isPrivate'] });
    live.stop();
    expect(before).toBeGreaterThanOrEqual(3);
  });
});
