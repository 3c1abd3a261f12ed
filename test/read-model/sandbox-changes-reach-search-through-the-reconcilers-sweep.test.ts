/**
 * End to end, on PGlite and on a real Postgres server: calls deleted, made private and renamed in
 * the sandbox (no webhook says so) leave or change in the search results after the reconciler's
 * next sweep publishes `call.changed`, with no search of its own ever asking Gong.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallData } from '../../src/gong/wire.js';
import { callsStarted, DAY, indexed, startChangeRig, type ChangeRig } from '../changes/support.js';
import type { Harness } from '../read/harness.js';
import { describeEngine, engineStore, ENGINES, searchAll, type EngineStore } from './support.js';

for (const engine of ENGINES)
  describeEngine(engine)(`sandbox changes reach search through a sweep (${engine})`, () => {
    let store: EngineStore;
    let rig: ChangeRig;
    let h: Pick<Harness, 'gql'>;

    beforeAll(async () => {
      store = engineStore(engine);
      rig = await startChangeRig({
        env: { READ_MODEL: 'on', ...(await store.env('sweeps')) },
        sandbox: { calls: 60 },
      });
      h = { gql: (query, variables) => rig.gw.gql(query, variables) as never };
      await rig.gw.gateway.readModel!.fillsSettled();
      await rig.gw.gateway.readModel!.settle();
      await indexed(rig);
    }, 120_000);
    afterAll(async () => {
      await rig?.close();
      store?.close();
    });

    const ids = async (filter: Record<string, unknown>, includePrivate = false) =>
      (await searchAll(h as Harness, filter, { includePrivate })).hits.map((x) => x.call.id);

    it('deleted, made private and renamed in the sandbox: the results follow after the next sweep', async () => {
      // Calls of the last week: the reconciler's window (RECONCILE_WINDOW_DAYS) covers them.
      const calls = callsStarted(rig, 7 * DAY, 3_600_000).filter(
        (c: CallData) => c.metaData.isPrivate !== true,
      );
      const [gone, hidden, renamed] = [calls[3]!, calls[4]!, calls[5]!].map((c) => c.metaData.id);
      expect(await ids({})).toEqual(expect.arrayContaining([gone, hidden, renamed]));
      expect(await ids({ text: 'zeppelin' })).toEqual([]);

      rig.sandbox.control.deleteCall(gone!);
      rig.sandbox.control.editCall(hidden!, { isPrivate: true });
      rig.sandbox.control.editCall(renamed!, { title: 'Zeppelin fleet renewal' });
      // Nothing changes before Gong is asked again.
      expect(await ids({})).toEqual(expect.arrayContaining([gone, hidden, renamed]));

      rig.clock.advance(601_000);
      await rig.gw.gateway.changes.tick();
      await rig.gw.gateway.changes.settled('default');
      await rig.gw.gateway.readModel!.settle();

      const visible = await ids({});
      expect(visible).not.toContain(gone);
      expect(visible).not.toContain(hidden);
      expect(visible).toContain(renamed);
      const all = await ids({}, true);
      expect(all).not.toContain(gone);
      expect(all).toContain(hidden);
      expect(await ids({ text: 'zeppelin' })).toEqual([renamed]);

      rig.reset();
      await ids({ text: 'zeppelin' });
      await ids({}, true);
      expect(rig.upstream()).toEqual([]);
    });
  });
