/**
 * The read model over time, on PGlite and on a real Postgres server: its fill stops at the daily
 * budget share and, after a restart, goes on from where it stopped without reading again what it
 * has; two connections never see each other's rows; `call.changed` events apply (DELETED and
 * MADE_PRIVATE at once and for good, UPDATED at once then re-read by id).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { createAccessKeyRegistry } from '../../src/connections/access-key.js';
import type { ConnectionRegistry } from '../../src/connections/types.js';
import type { CallChangedData } from '../../src/events/payloads.js';
import type { CallData } from '../../src/gong/wire.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { Harness } from '../read/harness.js';
import { startGateway } from '../support/gateway.js';
import {
  describeEngine,
  engineStore,
  ENGINES,
  searchAll,
  searchPage,
  type EngineStore,
} from './support.js';

const KEY = 'search-test-key';

/** One registry over two sandbox tenants: `default` and `other`. */
function registryOf(tenants: Record<string, Sandbox>): ConnectionRegistry {
  const refs = Object.keys(tenants);
  const regs = Object.entries(tenants).map(([ref, sb]) =>
    createAccessKeyRegistry({
      ref,
      baseUrl: sb.url,
      accessKey: sb.accessKey,
      accessKeySecret: sb.accessKeySecret,
    }),
  );
  return {
    get: async (r) =>
      (await Promise.all(regs.map((x) => x.get(r)))).find((c) => c !== null) ?? null,
    list: async () => (await Promise.all(regs.map((x) => x.list()))).flat(),
    authorization: (r, o) => (regs[refs.indexOf(r)] ?? regs[0]!).authorization(r, o),
  };
}

for (const engine of ENGINES)
  describeEngine(engine)(`the read model over time (${engine})`, () => {
    let store: EngineStore;
    let a: Sandbox;
    let b: Sandbox;
    let env: Record<string, string>;
    let gateway: Gateway | undefined;
    let h: Harness;

    const start = async (extra: Record<string, string> = {}) => {
      const t = await startGateway({
        sandbox: a,
        env: { GATEWAY_API_KEYS: KEY, ...env, ...extra },
        deps: () => ({ registry: registryOf({ default: a, other: b }) }),
      });
      const auth = { authorization: `Bearer ${KEY}` };
      h = {
        ...t,
        gql: (query, variables, headers) => t.gql(query, variables, { ...auth, ...headers }),
      };
      gateway = t.gateway;
      return t.gateway;
    };
    const other = { 'x-gong-connection': 'other' };

    beforeAll(async () => {
      store = engineStore(engine);
      env = { READ_MODEL: 'on', ...(await store.env('overtime')) };
      [a, b] = await Promise.all([
        startSandbox({ rateLimit: false, users: 20, calls: 120, seed: 7 }),
        startSandbox({ rateLimit: false, users: 5, calls: 10, seed: 99 }),
      ]);
    }, 120_000);
    afterAll(async () => {
      await gateway?.close();
      await Promise.all([a?.close(), b?.close()]);
      store?.close();
    });

    const extensive = (sb: Sandbox) =>
      sb.control.requestLog().filter((e) => e.endpoint === 'POST /v2/calls/extensive');
    const transcriptIds = (sb: Sandbox) =>
      sb.control
        .requestLog()
        .filter((e) => e.endpoint === 'POST /v2/calls/transcript')
        .flatMap((e) => (e.body as { filter: { callIds: string[] } }).filter.callIds);

    it('the fill stops at its daily share, and after a restart goes on without reading again what it has', async () => {
      // A share of two requests a day: one page of calls and its transcripts.
      const g = await start({ READ_MODEL_BUDGET_SHARE: '0.000002' });
      await expect.poll(() => transcriptIds(a).length, { timeout: 20_000 }).toBe(100);
      expect(extensive(a)).toHaveLength(1);
      await g.close();
      const firstPage = new Set(transcriptIds(a));
      a.control.resetLog();

      const g2 = await start();
      await g2.readModel!.fillsSettled();
      await g2.readModel!.settle();
      const calls = a.control.allCalls();
      // The rest: one more page of calls (from where the first stopped) and its transcripts.
      expect(extensive(a)).toHaveLength(1);
      const from = (extensive(a)[0]!.body as { filter: { fromDateTime: string } }).filter
        .fromDateTime;
      const readBefore = calls.filter((c) => Date.parse(c.metaData.started!) < Date.parse(from));
      expect(readBefore.length).toBeGreaterThanOrEqual(99);
      const asked = transcriptIds(a);
      expect(asked.filter((id) => firstPage.has(id))).toEqual([]);
      expect(firstPage.size + asked.length).toBe(calls.length);
      const all = await searchAll(h, {}, { includePrivate: true });
      expect(all.totalCount).toBe(calls.length);
    });

    it('two connections never see each other’s rows', async () => {
      const callsA = a.control.allCalls();
      const callsB = b.control.allCalls();
      const mine = await searchAll(h, {}, { includePrivate: true });
      const theirs = await searchAll(h, {}, { includePrivate: true, headers: other });
      expect(new Set(mine.hits.map((x) => x.call.id))).toEqual(
        new Set(callsA.map((c) => c.metaData.id)),
      );
      expect(new Set(theirs.hits.map((x) => x.call.id))).toEqual(
        new Set(callsB.map((c) => c.metaData.id)),
      );
      // Filters on the other tenant's values find nothing here.
      const emailB = callsB
        .flatMap((c) => c.parties ?? [])
        .find((p) => p.affiliation === 'External' && p.emailAddress)!.emailAddress!;
      const objectB = callsB.flatMap((c) => c.context ?? []).flatMap((x) => x.objects ?? [])[0]!
        .objectId!;
      expect(
        (
          await searchPage(
            h,
            { participantEmails: [emailB] },
            { headers: other, includePrivate: true },
          )
        ).totalCount,
      ).toBeGreaterThan(0);
      expect(
        (await searchPage(h, { participantEmails: [emailB] }, { includePrivate: true })).totalCount,
      ).toBe(0);
      expect(
        (await searchPage(h, { crmObjectIds: [objectB] }, { includePrivate: true })).totalCount,
      ).toBe(0);
      const hostA = callsA[0]!.metaData.primaryUserId!;
      expect(
        (await searchPage(h, { primaryUserIds: [hostA] }, { headers: other })).totalCount,
      ).toBe(0);
    });

    const change = async (d: CallChangedData) => {
      const ctx = await gateway!.context({ headers: { authorization: `Bearer ${KEY}` } });
      await ctx.services.events.log.append({
        topic: 'call.changed',
        connectionRef: 'default',
        dedupeKey: `${d.callId}:${d.kind}:${Math.random()}`,
        data: d,
        receivedAt: new Date().toISOString(),
      });
      await gateway!.readModel!.ingest.flush();
    };
    const publicCall = (i: number): CallData =>
      a.control.allCalls().filter((c) => c.metaData.isPrivate !== true)[i]!;
    const ids = async (filter: Record<string, unknown>, includePrivate = false) =>
      (await searchAll(h, filter, { includePrivate })).hits.map((x) => x.call.id);

    it('a DELETED call leaves the results at once, and a record read before the deletion cannot bring it back', async () => {
      const call = publicCall(5);
      const id = call.metaData.id;
      expect(await ids({ primaryUserIds: [call.metaData.primaryUserId!] })).toContain(id);
      await change({ kind: 'DELETED', callId: id, changedFields: [], isPrivate: false });
      expect(await ids({ primaryUserIds: [call.metaData.primaryUserId!] }, true)).not.toContain(id);
      // The sandbox still answers it (the event is synthetic): a read through the gateway is a stale record.
      const r = await h.gql(`{ gongCall(id: "${id}") { id title } }`);
      expect(r.data).toEqual({ gongCall: { id, title: call.metaData.title } });
      await gateway!.readModel!.settle();
      expect(await ids({ primaryUserIds: [call.metaData.primaryUserId!] }, true)).not.toContain(id);
    });

    it('a call MADE_PRIVATE shows only with includePrivate, and a stale public record does not undo it', async () => {
      const call = publicCall(6);
      const id = call.metaData.id;
      await change({
        kind: 'MADE_PRIVATE',
        callId: id,
        changedFields: ['isPrivate'],
        isPrivate: true,
      });
      const host = { primaryUserIds: [call.metaData.primaryUserId!] };
      expect(await ids(host)).not.toContain(id);
      expect(await ids(host, true)).toContain(id);
      await h.gql(`{ gongCallsByIds(ids: ["${id}"]) { id } }`);
      await gateway!.readModel!.settle();
      expect(await ids(host)).not.toContain(id);
      await change({
        kind: 'MADE_PUBLIC',
        callId: id,
        changedFields: ['isPrivate'],
        isPrivate: false,
      });
      expect(await ids(host)).toContain(id);
    });

    it('an UPDATED call is found by its new title at once, then read again by id', async () => {
      const call = publicCall(7);
      const id = call.metaData.id;
      const title = 'Quarterly zeppelin procurement review';
      expect(await ids({ text: 'zeppelin' })).toEqual([]);
      a.control.resetLog();
      await change({
        kind: 'UPDATED',
        callId: id,
        changedFields: ['title'],
        isPrivate: false,
        metaData: { ...call.metaData, title },
      });
      expect(await ids({ text: 'zeppelin' })).toEqual([id]);
      expect(a.control.requestLog()).toEqual([]);
      await gateway!.readModel!.settle();
      const reread = extensive(a);
      expect(reread).toHaveLength(1);
      expect((reread[0]!.body as { filter: { callIds: string[] } }).filter.callIds).toEqual([id]);
    });

    it('readiness shows the fill, the metrics count rows per kind, and transcripts are waited for', async () => {
      const ready = await fetch(gateway!.url.replace('/graphql', '/readyz'));
      const body = (await ready.json()) as {
        details?: { read_model?: { fill?: { done: number } } };
      };
      expect(ready.status).toBe(200);
      expect(body.details?.read_model?.fill?.done).toBe(2);
      const metrics = await gateway!.metrics.registry.metrics();
      expect(metrics).toMatch(/gong_gateway_read_model_rows\{kind="sentence"\} [1-9]/);
      expect(metrics).toMatch(/gong_gateway_read_model_fill_progress_ratio 1/);
      expect(metrics).not.toMatch(/read_model[^\n]*connection=/);
      // It waits for every call's transcript, so the poller polls new calls for it.
      const id = a.control.allCalls()[0]!.metaData.id;
      expect(await gateway!.transcriptInterest.wanted('default', [id])).toEqual(new Set([id]));
      expect(await gateway!.transcriptInterest.wanted('other', ['123'])).toEqual(new Set(['123']));
    });
  });
