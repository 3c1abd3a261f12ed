/**
 * A connection granted only `api:calls:read:basic` is swept through GET /v2/calls (refused before
 * any request on the extensive endpoint), and a call that disappeared is confirmed with GET
 * /v2/calls/{id} before it is declared deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedRegistry } from '../gong/support/clients.js';
import { callsStarted, changesSoFar, DAY, startChangeRig, type ChangeRig } from './support.js';

let rig: ChangeRig;
beforeAll(async () => {
  rig = await startChangeRig({
    deps: (sandbox) => ({
      registry: scopedRegistry(sandbox, [
        {
          ref: 'default',
          scopes: ['api:calls:read:basic', 'api:workspaces:read'],
          status: 'ACTIVE',
        },
      ]),
    }),
  });
});
afterAll(() => rig?.close());

describe('a basic-scope connection', () => {
  it('is swept through GET /v2/calls, deletions confirmed one by one', async () => {
    await rig.gw.gql('{ gongWorkspaces { id } }');
    rig.reset();
    const built = await rig.gw.gateway.changes.tick();
    expect(built.map((r) => [r.kind, r.outcome, r.basic])).toEqual([['full', 'done', true]]);
    expect(new Set(rig.upstream().map((e) => e.endpoint))).toEqual(new Set(['GET /v2/calls']));

    const gone = callsStarted(rig, 10 * DAY, 2 * DAY)[0]!.metaData.id;
    rig.sandbox.control.deleteCall(gone);
    rig.clock.advance(601_000);
    rig.reset();
    const swept = await rig.gw.gateway.changes.tick();
    expect(swept.map((r) => [r.kind, r.deleted])).toEqual([['full', 1]]);
    const endpoints = rig.upstream().map((e) => e.endpoint);
    expect(endpoints).not.toContain('POST /v2/calls/extensive');
    expect(rig.upstream().filter((e) => e.path === `/v2/calls/${gone}`)).toHaveLength(1);
    expect((await changesSoFar(rig.gw.wsUrl, 1)).map((e) => [e.kind, e.callId])).toEqual([
      ['DELETED', gone],
    ]);
  });
});
