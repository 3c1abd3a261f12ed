/**
 * gongCallsSync / gongTranscriptsSync deliver every call and transcript exactly once along a
 * chain of checkpoints, including a call Gong finished processing after its start time had been
 * scanned and a transcript that arrived hours later. A second gateway without overlap runs the
 * same chain and misses both, which is what the overlap is for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { codes, SANDBOX_TEST_OPTIONS, startGateway, type TestGateway } from '../support/gateway.js';

const MIN = 60_000;
let clock = Math.floor(Date.now() / MIN) * MIN;
const now = () => clock;

let sandbox: Sandbox;
let withOverlap: TestGateway;
let noOverlap: TestGateway;

beforeAll(async () => {
  sandbox = await startSandbox({
    ...SANDBOX_TEST_OPTIONS,
    users: 8,
    calls: 150,
    days: 2,
    now,
    processingDelayMs: 60 * MIN,
    transcriptDelayMs: 180 * MIN,
    processingIntervalMs: 3_600_000,
  });
  const onClock = (calls: string, transcripts: string) =>
    startGateway({
      sandbox,
      env: {
        SYNC_START_DAYS: '5',
        SYNC_CALLS_OVERLAP_MINUTES: calls,
        SYNC_TRANSCRIPTS_OVERLAP_MINUTES: transcripts,
      },
      deps: () => ({ now }),
    });
  withOverlap = await onClock('120', '360');
  noOverlap = await onClock('0', '0');
});
afterAll(async () => {
  await withOverlap.close();
  await noOverlap.close();
  await sandbox.close();
});

interface Chain {
  checkpoint: string | null;
  delivered: string[];
}

/** Follows checkpoints until the scan is complete; returns the ids delivered by this run. */
async function syncRun(
  gw: TestGateway,
  field: 'gongCallsSync' | 'gongTranscriptsSync',
  chain: Chain,
  first: number,
): Promise<string[]> {
  const idField = field === 'gongCallsSync' ? 'id' : 'callId';
  const got: string[] = [];
  for (let i = 0; i < 100; i++) {
    const body = await gw.gql<
      Record<string, { nodes: Record<string, string>[]; checkpoint: string; hasMore: boolean }>
    >(
      `query($c: String, $n: Int) { ${field}(checkpoint: $c, first: $n) { nodes { ${idField} } checkpoint hasMore } }`,
      { c: chain.checkpoint, n: first },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data?.[field];
    if (!page) throw new Error('no page');
    expect(page.nodes.length).toBeLessThanOrEqual(first);
    got.push(...page.nodes.map((n) => n[idField] as string));
    chain.checkpoint = page.checkpoint;
    if (!page.hasMore) break;
  }
  chain.delivered.push(...got);
  return got;
}

const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;

describe('incremental sync', () => {
  it('delivers every call and transcript once, including a late-processed call and a late transcript', async () => {
    const calls = {
      a: { checkpoint: null, delivered: [] } as Chain,
      b: { checkpoint: null, delivered: [] } as Chain,
    };
    const transcripts = {
      a: { checkpoint: null, delivered: [] } as Chain,
      b: { checkpoint: null, delivered: [] } as Chain,
    };
    const step = async () => {
      await sandbox.control.tick();
      await syncRun(withOverlap, 'gongCallsSync', calls.a, 7);
      await syncRun(noOverlap, 'gongCallsSync', calls.b, 100);
      await syncRun(withOverlap, 'gongTranscriptsSync', transcripts.a, 30);
      await syncRun(noOverlap, 'gongTranscriptsSync', transcripts.b, 100);
    };

    await step();
    const publicIds = sandbox.control
      .allCalls()
      .filter((c) => !c.metaData.isPrivate)
      .map((c) => c.metaData.id);
    expect(new Set(calls.a.delivered)).toEqual(new Set(publicIds));
    expect(calls.a.delivered).toHaveLength(publicIds.length);
    expect(new Set(transcripts.a.delivered).size).toBe(transcripts.a.delivered.length);
    expect(transcripts.a.delivered.length).toBeGreaterThan(100);

    // A call that started 20 minutes ago and ended 10 minutes ago; Gong shows it an hour after it ended.
    const late = await sandbox.control.endCall({
      startedAgoMs: 20 * MIN,
      durationSeconds: 600,
      isPrivate: false,
    });
    for (let i = 0; i < 12; i++) {
      clock += 30 * MIN;
      await step();
      if (i === 0) expect(count(calls.a.delivered, late)).toBe(0); // still processing: its start is now behind the mark
      if (i === 2) expect(count(transcripts.a.delivered, late)).toBe(0); // transcript still processing
    }

    expect(count(calls.a.delivered, late)).toBe(1);
    expect(count(transcripts.a.delivered, late)).toBe(1);
    expect(new Set(calls.a.delivered).size).toBe(calls.a.delivered.length);
    expect(new Set(transcripts.a.delivered).size).toBe(transcripts.a.delivered.length);
    // Without the overlap, the late call and its transcript fall behind the high-water mark.
    expect(count(calls.b.delivered, late)).toBe(0);
    expect(count(transcripts.b.delivered, late)).toBe(0);
  });

  it('rejects a checkpoint that does not decode, or one from the other sync field', async () => {
    const bad = await withOverlap.gql('{ a: gongCallsSync(checkpoint: "nope") { hasMore } }');
    expect(codes(bad)[0]).toBe('BAD_USER_INPUT');
    const t = await withOverlap.gql<{ gongTranscriptsSync: { checkpoint: string } }>(
      '{ gongTranscriptsSync(first: 1) { checkpoint } }',
    );
    const cross = await withOverlap.gql(
      'query($c: String) { gongCallsSync(checkpoint: $c) { hasMore } }',
      { c: t.data!.gongTranscriptsSync.checkpoint },
    );
    expect(codes(cross)[0]).toBe('BAD_USER_INPUT');
  });
});
