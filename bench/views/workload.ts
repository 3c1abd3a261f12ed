/**
 * The call-page-views workload: the view query, the seeded Zipf draw of call ids, the views runner
 * and the lower bound. Shared by every row of bench/call-page-views.ts and by bench/overhead.ts
 * (CPU of a cached view).
 */
import type { Sandbox } from '../../src/sandbox/types.js';
import { sleep } from '../lib/stack.js';

export const VIEW_QUERY = `query View($id: ID!) {
  gongCall(id: $id, includePrivate: true) {
    id title started duration
    primaryUser { id emailAddress firstName lastName }
    parties { id name emailAddress user { id emailAddress firstName lastName } }
    transcript { monologues { speakerId topic sentences { start end text } } }
  }
}`;

export interface View {
  failed?: boolean;
  gongCall: {
    id: string;
    primaryUser: { id: string } | null;
    parties: { user: { id: string } | null }[] | null;
    transcript: { monologues: unknown[] } | null;
  } | null;
}

/** mulberry32: a small seeded PRNG, so a draw can be repeated from its printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` draws over `ids` with P(rank k) ∝ 1/k; ranks are a seeded shuffle of the ids. */
export function zipfDraw(ids: readonly string[], n: number, seed: number): string[] {
  const rand = prng(seed);
  const ranked = [...ids];
  for (let i = ranked.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ranked[i], ranked[j]] = [ranked[j] as string, ranked[i] as string];
  }
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= ranked.length; k++) cumulative.push((sum += 1 / k));
  return Array.from({ length: n }, () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return ranked[lo] as string;
  });
}

/**
 * Ids of the calls that started in `window`, read straight from the sandbox (not counted: the log
 * is reset before each row's views). One window for every row, so that sandboxes started a few
 * ms apart list the same calls.
 */
export async function callIdsIn(
  sb: Sandbox,
  window: { from: string; to: string },
): Promise<string[]> {
  const auth = `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`;
  const ids: string[] = [];
  let cursor: string | undefined;
  const filter = { fromDateTime: window.from, toDateTime: window.to };
  do {
    const res = await fetch(`${sb.url}/v2/calls/extensive`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ filter, ...(cursor ? { cursor } : {}) }),
    });
    if (res.status === 429) {
      await res.arrayBuffer();
      await sleep(1_000);
      continue;
    }
    const body = (await res.json()) as {
      calls: { metaData: { id: string } }[];
      records: { cursor?: string };
    };
    ids.push(...body.calls.map((c) => c.metaData.id));
    cursor = body.records.cursor;
  } while (cursor);
  return ids;
}

/** Runs the draw through `view`, `concurrency` at a time, in draw order. */
export async function runViews(
  draw: readonly string[],
  concurrency: number,
  view: (id: string) => Promise<View>,
): Promise<View[]> {
  const out = new Array<View>(draw.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < draw.length) {
        const i = next++;
        out[i] = await view(draw[i] as string);
      }
    }),
  );
  return out;
}

/** Each distinct call, transcript and user fetched once (a view needs at least its call). */
export function lowerBound(views: readonly View[]): number {
  const calls = new Set<string>();
  const transcripts = new Set<string>();
  const users = new Set<string>();
  for (const v of views) {
    const c = v.gongCall;
    if (!c) continue;
    calls.add(c.id);
    if (c.transcript) transcripts.add(c.id);
    if (c.primaryUser) users.add(c.primaryUser.id);
    for (const p of c.parties ?? []) if (p.user) users.add(p.user.id);
  }
  return calls.size + transcripts.size + users.size;
}
