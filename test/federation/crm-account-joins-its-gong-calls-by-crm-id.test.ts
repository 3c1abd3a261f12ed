/**
 * A CRM subgraph's Account joins its Gong calls through the Gong subgraph's GongCrmRecord entity
 * (keyed by the CRM object id), composed and routed by @apollo/gateway: the router's one entity
 * fetch for 20 accounts is answered by the read model with no Gong request, and each account's
 * calls are exactly the tenant's calls whose CRM context holds its id.
 */
import type { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallData } from '../../src/gong/wire.js';
import type { Harness } from '../read/harness.js';
import { pgliteDir } from '../support/pglite.js';
import { startCrmSupergraph, type CrmSupergraph } from './support.js';

let stack: CrmSupergraph | undefined;
let dir: { remove(): void } | undefined;
let h: Harness;
let router: ApolloServer;

beforeAll(async () => {
  const d = await pgliteDir();
  dir = d;
  stack = await startCrmSupergraph(
    { users: 30, calls: 100 },
    { READ_MODEL: 'on', READ_MODEL_DIR: d.dir },
  );
  ({ h, router } = stack);
  await h.gateway.readModel!.fillsSettled();
  await h.gateway.readModel!.settle();
  h.reset();
  // The first PGlite template of a run is made here (initdb in WASM): seconds, more under load.
}, 120_000);
afterAll(async () => {
  await stack?.close();
  dir?.remove();
});

const holds = (c: CallData, id: string) =>
  [c.context ?? [], ...(c.parties ?? []).map((p) => p.context ?? [])]
    .flat()
    .some((x) => (x.objects ?? []).some((o) => o.objectId === id));

describe('supergraph: a CRM account joined to its Gong calls by CRM id', () => {
  it('the GongCrmRecord key composes into the supergraph', () => {
    expect(stack!.supergraphSdl).toMatch(/type GongCrmRecord\s[^{]*key: "crmObjectId"/);
  });

  it('20 accounts with their calls: one entity fetch, answered by the read model, no Gong request', async () => {
    const res = await router.executeOperation({
      query: `{ accounts(first: 20) { id crmId gong { crmObjectId gongCalls(first: 10) {
        totalCount indexedThrough hits { call { id title primaryUserId } } } } } }`,
    });
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    expect(res.body.singleResult.errors).toBeUndefined();
    const data = res.body.singleResult.data as {
      accounts: {
        crmId: string | null;
        gong: {
          crmObjectId: string;
          gongCalls: {
            totalCount: number;
            indexedThrough: string | null;
            hits: { call: { id: string } }[];
          };
        } | null;
      }[];
    };
    expect(data.accounts).toHaveLength(20);
    const calls = h.sandbox.control.allCalls().filter((c) => c.metaData.isPrivate !== true);
    let joined = 0;
    for (const account of data.accounts) {
      if (!account.crmId) {
        expect(account.gong).toBeNull();
        continue;
      }
      const expected = calls.filter((c) => holds(c, account.crmId!)).map((c) => c.metaData.id);
      expect(account.gong?.crmObjectId).toBe(account.crmId);
      expect(account.gong?.gongCalls.totalCount).toBe(expected.length);
      expect(new Set(account.gong?.gongCalls.hits.map((x) => x.call.id))).toEqual(
        new Set(expected),
      );
      expect(account.gong?.gongCalls.indexedThrough).not.toBeNull();
      joined += 1;
    }
    expect(joined).toBeGreaterThan(10);
    expect(h.upstream()).toEqual([]);
  });

  it('an _entities fetch of CRM records resolves each one, in order', async () => {
    const ids = h.sandbox.control
      .allCalls()
      .filter((c) => c.metaData.isPrivate !== true)
      .slice(0, 5)
      .map((c) => c.context?.[0]?.objects?.find((o) => o.objectType === 'Opportunity')?.objectId)
      .filter((id): id is string => typeof id === 'string');
    const r = await h.gql<{
      _entities: { crmObjectId: string; gongCalls: { totalCount: number } }[];
    }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on GongCrmRecord { crmObjectId gongCalls { totalCount } } } }`,
      {
        r: [...ids, 'no-such-record'].map((crmObjectId) => ({
          __typename: 'GongCrmRecord',
          crmObjectId,
        })),
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!._entities.map((e) => e.crmObjectId)).toEqual([...ids, 'no-such-record']);
    expect(r.data!._entities.map((e) => e.gongCalls.totalCount)).toEqual([...ids.map(() => 1), 0]);
    expect(h.upstream()).toEqual([]);
  });
});
