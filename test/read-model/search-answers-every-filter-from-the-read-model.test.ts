/**
 * gongCallSearch over a sandbox tenant, on PGlite and on a real Postgres server: the first fill
 * costs the lower bound; every filter kind and a combination return exactly the calls the
 * sandbox's own tenant says match; text search finds a phrase and returns it as snippets; no
 * query makes a Gong request; private calls only with includePrivate; paging by cursor.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallData } from '../../src/gong/wire.js';
import type { Harness } from '../read/harness.js';
import { eventually } from '../support/eventually.js';
import {
  describeEngine,
  engineStore,
  ENGINES,
  newestFirst,
  searchAll,
  searchPage,
  startSearchHarness,
  tenantCalls,
  tenantTranscripts,
  type EngineStore,
} from './support.js';

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);
const objectIds = (c: CallData) => [
  ...(c.context ?? []).flatMap((x) => (x.objects ?? []).map((o) => o.objectId)),
  ...(c.parties ?? []).flatMap((p) =>
    (p.context ?? []).flatMap((x) => (x.objects ?? []).map((o) => o.objectId)),
  ),
];

for (const engine of ENGINES)
  describeEngine(engine)(`search from the read model (${engine})`, () => {
    let store: EngineStore;
    let h: Harness;
    let calls: CallData[];
    let visible: CallData[];
    let fillRequests: Record<string, number>;

    beforeAll(async () => {
      store = engineStore(engine);
      // The entity cache on: the privacy rule reads what it knows of calls.
      h = await startSearchHarness(store, 'filters', {
        env: { CACHE_MAX_BYTES: '67108864' },
        sandbox: { calls: 60 },
      });
      fillRequests = h.sandbox.control.counters();
      calls = tenantCalls(h.sandbox);
      visible = calls.filter((c) => c.metaData.isPrivate !== true);
      h.reset();
    }, 120_000);
    afterAll(async () => {
      await h?.close();
      store?.close();
    });

    /** Every public call matching `pred`, newest first, against the search's answer. */
    const expectMatches = async (
      filter: Record<string, unknown>,
      pred: (c: CallData) => boolean,
    ) => {
      const expected = newestFirst(visible.filter(pred));
      expect(expected.length).toBeGreaterThan(0);
      const got = await searchAll(h, filter);
      expect(got.hits.map((x) => x.call.id)).toEqual(expected);
      expect(got.totalCount).toBe(expected.length);
    };

    it('the first fill read every call and transcript at the lower bound: one request per 100 of each', () => {
      const pages = Math.ceil(calls.length / 100);
      expect(fillRequests['POST /v2/calls/extensive']).toBe(pages);
      expect(fillRequests['POST /v2/calls/transcript']).toBe(pages);
      expect(Object.keys(fillRequests).sort()).toEqual([
        'POST /v2/calls/extensive',
        'POST /v2/calls/transcript',
      ]);
    });

    it('with no filter but the window: every public call, newest first, and how far the model is complete', async () => {
      const page = await searchPage(h, {});
      expect(page.totalCount).toBe(visible.length);
      expect(page.indexedThrough).not.toBeNull();
      expect(Date.parse(page.indexedThrough!)).toBeGreaterThan(Date.now() - 60_000);
      await expectMatches({}, () => true);
    });

    it('participantEmails matches any party, case-insensitively; participantDomains by domain', async () => {
      const external = visible
        .flatMap((c) => c.parties ?? [])
        .find((p) => p.affiliation === 'External' && p.emailAddress)!.emailAddress!;
      const internal = visible[0]!.parties!.find((p) => p.userId && p.emailAddress)!.emailAddress!;
      const hasEmail = (emails: string[]) => (c: CallData) =>
        (c.parties ?? []).some((p) => emails.includes(lower(p.emailAddress)));
      await expectMatches(
        { participantEmails: [external.toUpperCase(), internal] },
        hasEmail([lower(external), lower(internal)]),
      );
      const domain = domainOf(external);
      await expectMatches({ participantDomains: [domain.toUpperCase()] }, (c) =>
        (c.parties ?? []).some((p) => p.emailAddress && domainOf(lower(p.emailAddress)) === domain),
      );
    });

    it('primaryUserIds, workspaceId, direction, scope and durations filter on the basic fields', async () => {
      const host = visible[3]!.metaData.primaryUserId!;
      await expectMatches({ primaryUserIds: [host] }, (c) => c.metaData.primaryUserId === host);
      const ws = visible[0]!.metaData.workspaceId!;
      await expectMatches({ workspaceId: ws }, (c) => c.metaData.workspaceId === ws);
      await expectMatches({ direction: 'outbound' }, (c) => c.metaData.direction === 'Outbound');
      await expectMatches({ scope: 'Internal' }, (c) => c.metaData.scope === 'Internal');
      await expectMatches(
        { minDuration: 600, maxDuration: 1200 },
        (c) => (c.metaData.duration ?? 0) >= 600 && (c.metaData.duration ?? 0) <= 1200,
      );
    });

    it('from/to bound the start; crmObjectIds match the call’s and its parties’ CRM objects', async () => {
      const starts = visible.map((c) => Date.parse(c.metaData.started!)).sort((a, b) => a - b);
      const [lo, hi] = [starts[starts.length >> 2]!, starts[starts.length >> 1]!];
      await expectMatches(
        { from: new Date(lo).toISOString(), to: new Date(hi).toISOString() },
        (c) => Date.parse(c.metaData.started!) >= lo && Date.parse(c.metaData.started!) < hi,
      );
      const withContact = visible.find((c) =>
        (c.parties ?? []).some((p) => (p.context ?? []).length > 0),
      )!;
      const opportunity = visible
        .flatMap((c) => c.context ?? [])
        .flatMap((x) => x.objects ?? [])
        .find((o) => o.objectType === 'Opportunity')!.objectId!;
      const contact = objectIds(withContact).find((id) => id?.startsWith('003'))!;
      await expectMatches({ crmObjectIds: [opportunity, contact] }, (c) =>
        objectIds(c).some((id) => id === opportunity || id === contact),
      );
    });

    it('trackerNames match trackers that fired, topicNames topics the call spent time on', async () => {
      await expectMatches({ trackerNames: ['competitors'] }, (c) =>
        (c.content?.trackers ?? []).some((t) => t.name === 'Competitors' && (t.count ?? 0) > 0),
      );
      await expectMatches({ topicNames: ['Pricing', 'security'] }, (c) =>
        (c.content?.topics ?? []).some(
          (t) => ['pricing', 'security'].includes(lower(t.name)) && (t.duration ?? 0) > 0,
        ),
      );
    });

    it('filters combine with AND', async () => {
      const domain = domainOf(
        visible
          .flatMap((c) => c.parties ?? [])
          .find((p) => p.affiliation === 'External' && p.emailAddress)!.emailAddress!,
      );
      await expectMatches(
        {
          participantDomains: [domain],
          scope: 'External',
          maxDuration: 3600,
          trackerNames: ['Pricing', 'Security'],
        },
        (c) =>
          (c.parties ?? []).some(
            (p) => p.emailAddress && domainOf(lower(p.emailAddress)) === domain,
          ) &&
          c.metaData.scope === 'External' &&
          (c.metaData.duration ?? 0) <= 3600 &&
          (c.content?.trackers ?? []).some(
            (t) => ['Pricing', 'Security'].includes(t.name ?? '') && (t.count ?? 0) > 0,
          ),
      );
    });

    it('text finds a phrase with its sentences as snippets, stemmed in the call’s language', async () => {
      const transcripts = await tenantTranscripts(
        h.sandbox,
        visible.map((c) => c.metaData.id),
      );
      h.reset();
      const sentence = 'Budget was approved for the next fiscal year.';
      const expected = new Set(
        [...transcripts].filter(([, s]) => s.some((x) => x.text === sentence)).map(([id]) => id),
      );
      expect(expected.size).toBeGreaterThan(0);
      expect(expected.size).toBeLessThan(visible.length);
      const got = await searchAll(h, { text: '"budget was approved"' });
      expect(new Set(got.hits.map((x) => x.call.id))).toEqual(expected);
      expect(got.totalCount).toBe(expected.size);
      for (const hit of got.hits) {
        expect(hit.score).toBeGreaterThan(0);
        expect(hit.snippets.length).toBeGreaterThan(0);
        for (const s of hit.snippets) {
          expect(s.text).toBe(sentence);
          expect(s.startMs).toBeGreaterThanOrEqual(0);
          if (s.speakerId) expect(s.speaker?.speakerId).toBe(s.speakerId);
        }
      }
      // Newest first, as without text.
      expect(got.hits.map((x) => x.call.id)).toEqual(
        newestFirst(visible.filter((c) => expected.has(c.metaData.id))),
      );
      // Stemming in the call's language: English calls match inflected words (untagged ones, indexed
      // without stemming, need the words as said).
      const stemmed = await searchAll(h, { text: 'approving budgets' });
      const english = [...expected].filter(
        (id) => calls.find((c) => c.metaData.id === id)!.metaData.language === 'eng',
      );
      expect(english.length).toBeGreaterThan(0);
      const stemmedIds = new Set(stemmed.hits.map((x) => x.call.id));
      for (const id of english) expect(stemmedIds.has(id)).toBe(true);
      for (const id of stemmedIds) expect(expected.has(id)).toBe(true);
      // Text combines with the other filters.
      const host = got.hits[0]!.call.id;
      const hostId = calls.find((c) => c.metaData.id === host)!.metaData.primaryUserId!;
      const both = await searchAll(h, { text: 'approved budget', primaryUserIds: [hostId] });
      expect(new Set(both.hits.map((x) => x.call.id))).toEqual(
        new Set(
          [...expected].filter(
            (id) => calls.find((c) => c.metaData.id === id)!.metaData.primaryUserId === hostId,
          ),
        ),
      );
      expect(h.upstream()).toEqual([]);
    });

    it('private calls only with includePrivate; totalCount counts what the caller may see', async () => {
      const privateCount = calls.length - visible.length;
      expect(privateCount).toBeGreaterThan(0);
      expect((await searchPage(h, {})).totalCount).toBe(visible.length);
      const all = await searchAll(h, {}, { includePrivate: true });
      expect(all.totalCount).toBe(calls.length);
      expect(all.hits.filter((x) => x.call.isPrivate).length).toBe(privateCount);
    });

    it('a call the gateway now knows is private leaves the page, the count and the snippets before the model hears of it', async () => {
      const transcripts = await tenantTranscripts(
        h.sandbox,
        visible.map((c) => c.metaData.id),
      );
      const said = (c: CallData) =>
        (transcripts.get(c.metaData.id) ?? []).some((s) =>
          s.text.startsWith('Budget was approved'),
        );
      // Older than the change index's window (RECONCILE_WINDOW_DAYS), so the entity cache speaks
      // for it; with the sentence and an opportunity to search by.
      const old = Date.now() - 20 * 86_400_000;
      const call = visible.find(
        (c) =>
          Date.parse(c.metaData.started!) < old &&
          said(c) &&
          (c.context ?? []).some((x) => (x.objects ?? []).some((o) => o.objectId)),
      )!;
      const id = call.metaData.id;
      const crmId = call
        .context!.flatMap((x) => x.objects ?? [])
        .find((o) => o.objectId)!.objectId!;
      const text = '"budget was approved"';
      const before = await searchAll(h, { text });
      expect(before.hits.map((x) => x.call.id)).toContain(id);

      // Gong's newer record, private, reaches the entity cache (as a read of it would) and not the
      // read model: no observer, no event.
      const ctx = await h.gateway.context({ headers: {} });
      const remember = async (isPrivate: boolean) => {
        ctx.loaders.rememberCalls([{ ...call, metaData: { ...call.metaData, isPrivate } }], {
          context: 'Basic',
          exposedFields: { parties: true },
        });
        await eventually(
          async () => {
            const [now] = await ctx.services.calls!.standings.of('default', [id]);
            return now?.deleted === false && now.isPrivate === isPrivate;
          },
          { what: 'the entity cache to hold the record' },
        );
      };
      await remember(true);
      h.reset();
      try {
        // The model still holds it public.
        const held = await searchAll(h, { text }, { includePrivate: true });
        expect(held.hits.find((x) => x.call.id === id)?.call.isPrivate).toBe(false);

        const after = await searchAll(h, { text });
        expect(after.hits.map((x) => x.call.id)).toEqual(
          before.hits.map((x) => x.call.id).filter((x) => x !== id),
        );
        expect(after.totalCount).toBe(before.totalCount - 1);
        const first = await searchPage(h, { text }, { first: 1 });
        expect(first.totalCount).toBe(before.totalCount - 1);
        expect(
          (await searchPage(h, { crmObjectIds: [crmId] })).hits.map((x) => x.call.id),
        ).not.toContain(id);
        // The CRM record join goes through the same rule.
        const joined = await h.gql<{
          gongCrmRecord: { gongCalls: { totalCount: number; hits: { call: { id: string } }[] } };
        }>(
          'query($c: ID!) { gongCrmRecord(crmObjectId: $c) { gongCalls(first: 100) { totalCount hits { call { id } } } } }',
          { c: crmId },
        );
        expect(joined.data!.gongCrmRecord.gongCalls.hits.map((x) => x.call.id)).not.toContain(id);
        const withIt = await searchPage(h, { crmObjectIds: [crmId] }, { includePrivate: true });
        expect(joined.data!.gongCrmRecord.gongCalls.totalCount).toBe(withIt.totalCount - 1);
        expect(withIt.hits.map((x) => x.call.id)).toContain(id);
        expect(h.upstream()).toEqual([]);
      } finally {
        await remember(false);
      }
      expect((await searchAll(h, { text })).totalCount).toBe(before.totalCount);
    });

    it('pages by cursor without a gap or a repeat; a cursor of another search is refused', async () => {
      const whole = await searchAll(h, { scope: 'External' });
      const paged = await searchAll(h, { scope: 'External' }, { first: 7 });
      expect(paged.hits.map((x) => x.call.id)).toEqual(whole.hits.map((x) => x.call.id));
      const first = await searchPage(h, { scope: 'External' }, { first: 3 });
      const r = await h.gql(
        'query($a: String) { gongCallSearch(filter: { scope: "Internal" }, after: $a) { totalCount } }',
        { a: first.pageInfo.endCursor },
      );
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('no query made a Gong request', async () => {
      h.reset();
      await searchAll(h, { participantDomains: ['example.com'], text: 'pricing' });
      const r = await h.gql(
        `{ gongCallSearch(filter: { trackerNames: ["Pricing"] }, first: 50) { hits { call {
            id title started duration primaryUserId workspaceId scope isPrivate
            parties { emailAddress name speakerId context { objects { objectType objectId } } }
            context { system objects { objectType objectId } }
            content { trackers { name count } topics { name duration } } } } } }`,
      );
      expect(r.errors).toBeUndefined();
      expect(h.upstream()).toEqual([]);
    });

    it('a hit selecting more than the model holds reads the page’s calls in one batch', async () => {
      h.reset();
      const r = await h.gql<{
        gongCallSearch: { hits: { call: { id: string; content: { brief: string | null } } }[] };
      }>(
        '{ gongCallSearch(filter: { scope: "External" }, first: 30) { hits { call { id content { brief } } } } }',
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.gongCallSearch.hits).toHaveLength(30);
      for (const hit of r.data!.gongCallSearch.hits) expect(hit.call.content.brief).toBeTruthy();
      expect(h.upstream().map((e) => e.endpoint)).toEqual(['POST /v2/calls/extensive']);
    });

    it('bad input is a BAD_USER_INPUT naming the argument', async () => {
      const bad = async (filter: string, extra = '') => {
        const r = await h.gql(`{ gongCallSearch(filter: ${filter}${extra}) { totalCount } }`);
        expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        return r.errors?.[0]?.extensions?.field;
      };
      expect(await bad('{ participantEmails: [] }')).toBe('filter.participantEmails');
      expect(await bad('{ primaryUserIds: ["abc"] }')).toBe('filter.primaryUserIds');
      expect(await bad('{ minDuration: 60, maxDuration: 10 }')).toBe('filter.minDuration');
      expect(await bad('{ text: "  " }')).toBe('filter.text');
      expect(await bad('{}', ', first: 0')).toBe('first');
      expect(await bad('{}', ', after: "nope"')).toBe('after');
    });
  });
