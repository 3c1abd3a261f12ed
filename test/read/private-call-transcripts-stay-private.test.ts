/**
 * Gong asks integrations to drop private calls, and a transcript is as private as its call:
 * gongTranscripts and gongTranscriptsSync leave private calls' transcripts out unless
 * `includePrivate: true`. Knowing which calls are private costs one POST /v2/calls/extensive per
 * page of transcripts (shared with a selected `call` field), and nothing with `includePrivate`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type GraphQLResponse, type Harness } from './harness.js';

let h: Harness;
let privateIds: Set<string>;
let window: { from: string; to: string };

beforeAll(async () => {
  h = await startHarness();
  const calls = h.sandbox.control.allCalls();
  privateIds = new Set(
    calls.filter((c) => c.metaData.isPrivate === true).map((c) => c.metaData.id),
  );
  const starts = calls
    .map((c) => Date.parse(c.metaData.started ?? c.metaData.scheduled ?? ''))
    .filter((t) => !Number.isNaN(t));
  window = {
    from: new Date(Math.min(...starts)).toISOString(),
    to: new Date(Math.max(...starts) + 1000).toISOString(),
  };
});
afterAll(() => h.close());

const PAGE = `query ($from: DateTime, $to: DateTime, $includePrivate: Boolean, $after: String) {
  gongTranscripts(filter: { from: $from, to: $to, includePrivate: $includePrivate }, first: 100, after: $after) {
    nodes { callId call { title } } pageInfo { hasNextPage endCursor }
  }
}`;
interface Page {
  gongTranscripts: {
    nodes: { callId: string; call: { title: string } | null }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

interface SyncPage {
  gongTranscriptsSync: { nodes: { callId: string }[]; checkpoint: string; hasMore: boolean };
}

/** Reads every page; returns the call ids and each page's upstream requests by endpoint. */
async function readAll(
  includePrivate: boolean,
): Promise<{ ids: string[]; requests: Record<string, number>[] }> {
  const ids: string[] = [];
  const requests: Record<string, number>[] = [];
  let after: string | null = null;
  do {
    h.reset();
    const r: GraphQLResponse<Page> = await h.gql<Page>(PAGE, { ...window, includePrivate, after });
    expect(r.errors).toBeUndefined();
    const page = r.data?.gongTranscripts;
    ids.push(...(page?.nodes.map((n) => n.callId) ?? []));
    expect(page?.nodes.every((n) => n.call !== null)).toBe(true);
    requests.push(h.sandbox.control.counters());
    after = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after !== null);
  return { ids, requests };
}

describe('transcripts of private calls', () => {
  it("gongTranscripts never returns a private call's transcript by default; includePrivate: true does", async () => {
    const visible = await readAll(false);
    const everything = await readAll(true);
    const privateTranscripts = everything.ids.filter((id) => privateIds.has(id));
    expect(privateTranscripts.length).toBeGreaterThan(0);
    expect(visible.ids.filter((id) => privateIds.has(id))).toEqual([]);
    expect(visible.ids).toEqual(everything.ids.filter((id) => !privateIds.has(id)));

    // One calls lookup per transcript page, also serving `call { title }`; none with includePrivate.
    expect(visible.requests.length).toBeGreaterThan(1);
    for (const r of visible.requests)
      expect(r).toEqual({ 'POST /v2/calls/transcript': 1, 'POST /v2/calls/extensive': 1 });
    for (const r of everything.requests)
      expect(r).toEqual({ 'POST /v2/calls/transcript': 1, 'POST /v2/calls/extensive': 1 });
    h.reset();
    const bare = await h.gql<Page>(
      `query ($from: DateTime, $to: DateTime) { gongTranscripts(filter: { from: $from, to: $to, includePrivate: true }, first: 100) { nodes { callId } } }`,
      window,
    );
    expect(bare.errors).toBeUndefined();
    expect(h.sandbox.control.counters()).toEqual({ 'POST /v2/calls/transcript': 1 });
  });

  it("gongTranscriptsSync leaves private calls' transcripts out unless includePrivate: true", async () => {
    const run = async (includePrivate: boolean) => {
      const ids: string[] = [];
      let checkpoint: string | null = null;
      for (let more = true; more;) {
        const r: GraphQLResponse<SyncPage> = await h.gql<SyncPage>(
          'query ($c: String, $p: Boolean) { gongTranscriptsSync(checkpoint: $c, includePrivate: $p) { nodes { callId } checkpoint hasMore } }',
          { c: checkpoint, p: includePrivate },
        );
        expect(r.errors).toBeUndefined();
        const page = r.data?.gongTranscriptsSync;
        ids.push(...(page?.nodes.map((n) => n.callId) ?? []));
        checkpoint = page?.checkpoint ?? null;
        more = page?.hasMore === true;
      }
      return ids;
    };
    h.reset();
    const visible = await run(false);
    const lookups = h.sandbox.control.counters();
    expect(lookups['POST /v2/calls/extensive']).toBe(lookups['POST /v2/calls/transcript']);
    const everything = await run(true);
    expect(everything.filter((id) => privateIds.has(id)).length).toBeGreaterThan(0);
    expect(visible.filter((id) => privateIds.has(id))).toEqual([]);
    expect(new Set(visible)).toEqual(new Set(everything.filter((id) => !privateIds.has(id))));
  });
});
