/**
 * The merger alone, with its request edge in the test's hands: a request "leaves the queue" when
 * the test reads its ids (what the transport does once the scheduler grants a slot) and is answered
 * when the test says. Loads queued meanwhile join it; each gets only its own keys.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from '../../src/errors.js';
import { createMerger, type MergedFetch } from '../../src/gong/reads/merge.js';
import { createMetrics } from '../../src/observability/metrics.js';

interface Row {
  id: string;
}

interface Sent {
  /** Reads the ids: the request has left the queue. */
  dispatch(): readonly string[];
  answer(rows: Row[]): void;
  fail(err: unknown): void;
}

/** A request edge that records each request and waits for the test to dispatch and answer it. */
function edge() {
  const sent: Sent[] = [];
  const fetch: MergedFetch<Row> = (idsAtDispatch) =>
    new Promise<Row[]>((resolve, reject) =>
      sent.push({ dispatch: idsAtDispatch, answer: resolve, fail: reject }),
    );
  return { sent, fetch };
}

/** Gong knows every id except those starting with "x". */
const gongAnswer = (ids: readonly string[]): Row[] =>
  ids.filter((id) => !id.startsWith('x')).map((id) => ({ id }));

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));
const sorted = (a: readonly string[]) => [...a].sort();
const counter = async (c: {
  get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }>;
}) => (await c.get()).values.reduce((s, v) => s + v.value, 0);

describe('merging loads that wait for the budget together', () => {
  it('merges three loads queued while the first waits into one request; each gets only its keys, a miss only its own', async () => {
    const metrics = createMetrics();
    const m = createMerger<Row>({ endpoint: 'calls.extensive', idOf: (r) => r.id, metrics });
    const { sent, fetch } = edge();
    const a = m.load('g', ['1', '2'], fetch);
    const b = m.load('g', ['2', '3'], fetch);
    const c = m.load('g', ['4', 'x5'], fetch);
    expect(sent).toHaveLength(1);
    expect(m.waiting()).toBe(3);

    const out = sent[0]!.dispatch();
    expect(sorted(out)).toEqual(['1', '2', '3', '4', 'x5']);
    expect(m.waiting()).toBe(0);
    sent[0]!.answer(gongAnswer(out));
    expect(await a).toEqual([{ id: '1' }, { id: '2' }]);
    expect(await b).toEqual([{ id: '2' }, { id: '3' }]);
    // x5 is unknown: absent for its load (a null for the loader), nothing else is affected.
    expect(await c).toEqual([{ id: '4' }]);
    expect(sent).toHaveLength(1);
    expect(await counter(metrics.upstreamMergedRequests)).toBe(1);
    expect((await metrics.upstreamRequestsSaved.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'merge' }, value: 2 }),
    ]);
  });

  it('opens a second request when the 101st distinct id would not fit, and fills a request with room first', async () => {
    const m = createMerger<Row>({ endpoint: 'users.extensive', idOf: (r) => r.id });
    const { sent, fetch } = edge();
    const first = m.load('g', ids(1, 60), fetch);
    const second = m.load('g', ids(61, 40), fetch); // 100 ids together
    const third = m.load('g', ids(101, 1), fetch); // the 101st: a new request
    const fourth = m.load('g', ['1', '101'], fetch); // fits the second request only (the first is full)
    expect(sent).toHaveLength(2);
    const [one, two] = [sent[0]!.dispatch(), sent[1]!.dispatch()];
    expect(sorted(one)).toEqual(sorted(ids(1, 100)));
    expect(sorted(two)).toEqual(['1', '101']);
    sent[0]!.answer(gongAnswer(one));
    sent[1]!.answer(gongAnswer(two));
    expect((await first).map((r) => r.id)).toEqual(ids(1, 60));
    expect((await second).map((r) => r.id)).toEqual(ids(61, 40));
    expect(await third).toEqual([{ id: '101' }]);
    expect(sorted((await fourth).map((r) => r.id))).toEqual(['1', '101']);
  });

  it('puts a load that arrives after the request left the queue into a new request', async () => {
    const m = createMerger<Row>({ endpoint: 'calls.transcript', idOf: (r) => r.id });
    const { sent, fetch } = edge();
    const early = m.load('g', ['1'], fetch);
    const out = sent[0]!.dispatch();
    const late = m.load('g', ['2'], fetch);
    expect(sent).toHaveLength(2);
    // The first request went out without the late id, even if its ids are read again (a retry).
    expect(sent[0]!.dispatch()).toEqual(['1']);
    sent[0]!.answer(gongAnswer(out));
    sent[1]!.answer(gongAnswer(sent[1]!.dispatch()));
    expect(await early).toEqual([{ id: '1' }]);
    expect(await late).toEqual([{ id: '2' }]);
  });

  it('lets a load whose ids are all in a request already sent share its answer instead of sending another', async () => {
    const metrics = createMetrics();
    const m = createMerger<Row>({ endpoint: 'calls.extensive', idOf: (r) => r.id, metrics });
    const { sent, fetch } = edge();
    const first = m.load('g', ['1', '2'], fetch);
    const out = sent[0]!.dispatch();
    const subset = m.load('g', ['2'], fetch);
    const wider = m.load('g', ['2', '3'], fetch);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.dispatch()).toEqual(['2', '3']);
    sent[0]!.answer(gongAnswer(out));
    sent[1]!.answer(gongAnswer(['2', '3']));
    expect(await first).toEqual([{ id: '1' }, { id: '2' }]);
    expect(await subset).toEqual([{ id: '2' }]);
    expect(await wider).toEqual([{ id: '2' }, { id: '3' }]);
    // Went out alone, so not a merged request; but one load was answered without a request.
    expect(await counter(metrics.upstreamMergedRequests)).toBe(0);
    expect(await counter(metrics.upstreamRequestsSaved)).toBe(1);
  });

  it('never merges loads of different groups (another selector, priority or endpoint)', async () => {
    const m = createMerger<Row>({ endpoint: 'calls.extensive', idOf: (r) => r.id });
    const { sent, fetch } = edge();
    const a = m.load('parties', ['1'], fetch);
    const b = m.load('content', ['1'], fetch);
    expect(sent).toHaveLength(2);
    for (const s of sent) s.answer(gongAnswer(s.dispatch()));
    expect(await a).toEqual([{ id: '1' }]);
    expect(await b).toEqual([{ id: '1' }]);
  });

  it('asks again per load when a merged request is refused in a way one load can cause, so a bad key fails only its load', async () => {
    const metrics = createMetrics();
    const m = createMerger<Row>({ endpoint: 'calls.extensive', idOf: (r) => r.id, metrics });
    const { sent, fetch } = edge();
    const good = m.load('g', ['1', '2'], fetch);
    const bad = m.load('g', ['3', 'bad'], fetch);
    const refusal = (what: string) =>
      new GatewayError(ErrorCode.BAD_USER_INPUT, `Gong rejected ${what} as invalid`, {
        status: 400,
      });
    sent[0]!.dispatch();
    sent[0]!.fail(refusal('the merged request'));
    await new Promise((r) => setImmediate(r));
    // One request per load, each with only its own ids.
    expect(sent.slice(1).map((s) => s.dispatch())).toEqual([
      ['1', '2'],
      ['3', 'bad'],
    ]);
    sent[1]!.answer(gongAnswer(['1', '2']));
    sent[2]!.fail(refusal('the request with "bad"'));
    expect(await good).toEqual([{ id: '1' }, { id: '2' }]);
    await expect(bad).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await counter(metrics.upstreamRequestsSaved)).toBe(0);
  });

  it('re-asks per load for a record that breaks the wire schema, but not for failures every load shares', async () => {
    const m = createMerger<Row>({ endpoint: 'calls.extensive', idOf: (r) => r.id });
    const { sent, fetch } = edge();
    const mismatch = [m.load('g', ['1'], fetch), m.load('g', ['2'], fetch)];
    sent[0]!.dispatch();
    sent[0]!.fail(new GatewayError(ErrorCode.UPSTREAM_SCHEMA_MISMATCH, 'does not match'));
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(3);
    for (const s of sent.slice(1)) s.answer(gongAnswer(s.dispatch()));
    expect((await Promise.all(mismatch)).flat()).toEqual([{ id: '1' }, { id: '2' }]);

    for (const code of [
      ErrorCode.UPSTREAM_ERROR,
      ErrorCode.UPSTREAM_RATE_LIMITED,
      ErrorCode.FORBIDDEN,
      ErrorCode.UNAUTHENTICATED,
    ]) {
      const before = sent.length;
      const loads = [m.load('g', ['1'], fetch), m.load('g', ['2'], fetch)];
      sent[before]!.dispatch();
      sent[before]!.fail(new GatewayError(code, 'shared failure'));
      for (const l of loads) await expect(l).rejects.toMatchObject({ code });
      expect(sent.length).toBe(before + 1);
    }
  });

  it('fails every load without asking again when the request never left the queue, and a failed group takes no more loads', async () => {
    const m = createMerger<Row>({ endpoint: 'calls.extensive', idOf: (r) => r.id });
    const { sent, fetch } = edge();
    const loads = [m.load('g', ['1'], fetch), m.load('g', ['2'], fetch)];
    // e.g. the connection was found gone before any budget was spent
    sent[0]!.fail(new GatewayError(ErrorCode.NOT_FOUND, 'No Gong connection with ref "c"'));
    for (const l of loads) await expect(l).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(sent).toHaveLength(1);
    expect(m.waiting()).toBe(0);
    const next = m.load('g', ['3'], fetch);
    expect(sent).toHaveLength(2);
    sent[1]!.answer(gongAnswer(sent[1]!.dispatch()));
    expect(await next).toEqual([{ id: '3' }]);
  });

  it('refuses more ids than one request carries, and answers an empty load without a request', async () => {
    const m = createMerger<Row>({ endpoint: 'calls.extensive', idOf: (r) => r.id });
    const { sent, fetch } = edge();
    await expect(m.load('g', ids(1, 101), fetch)).rejects.toThrow(/at most 100 ids, but got 101/);
    expect(await m.load('g', [], fetch)).toEqual([]);
    expect(sent).toHaveLength(0);
  });
});
