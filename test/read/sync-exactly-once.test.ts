/**
 * gongCallsSync / gongTranscriptsSync deliver every call and transcript exactly once along a
 * chain of checkpoints, including a call Gong finished processing after its start time had been
 * scanned and a transcript that arrived hours later. A second gateway without overlap runs the
 * same chain and misses both, which is what the overlap is for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';

const MIN = 60_000;
let clock = Math.floor(Date.now() / MIN) * MIN;
const now = () => clock;

let sandbox: Sandbox;
let withOverlap: Gateway;
let noOverlap: Gateway;

beforeAll(async () => {
  sandbox = await startSandbox({
    rateLimit: false,
    users: 8,
    calls: 150,
    days: 2,
    now,
    processingDelayMs: 60 * MIN,
    transcriptDelayMs: 180 * MIN,
    processingIntervalMs: 3_600_000,
  });
  const base = {
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    GONG_RATE_PER_SECOND: '1000',
    GONG_MAX_RETRIES: '0',
    SYNC_START_DAYS: '5',
  };
  withOverlap = await createGateway(
    loadConfig({
      ...base,
      SYNC_CALLS_OVERLAP_MINUTES: '120',
      SYNC_TRANSCRIPTS_OVERLAP_MINUTES: '360',
    }),
    { sandbox, logger: silentLogger(), now },
  );
  noOverlap = await createGateway(
    loadConfig({ ...base, SYNC_CALLS_OVERLAP_MINUTES: '0', SYNC_TRANSCRIPTS_OVERLAP_MINUTES: '0' }),
    { sandbox, logger: silentLogger(), now },
  );
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
  gw: Gateway,
  field: 'gongCallsSync' | 'gongTranscriptsSync',
  chain: Chain,
  first: number,
): Promise<string[]> {
  const idField = field === 'gongCallsSync' ? 'id' : 'callId';
  const got: string[] = [];
  for (let i = 0; i < 100; i++) {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($c: String, $n: Int) { ${field}(checkpoint: $c, first: $n) { nodes { ${idField} } checkpoint hasMore } }`,
        variables: { c: chain.checkpoint, n: first },
      }),
    });
    const body = (await res.json()) as {
      data?: Record<
        string,
        { nodes: Record<string, string>[]; checkpoint: string; hasMore: boolean }
      >;
      errors?: unknown;
    };
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
    const bad = await fetch(withOverlap.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ a: gongCallsSync(checkpoint: "nope") { hasMore } }' }),
    }).then((r) => r.json() as Promise<{ errors: { extensions: { code: string } }[] }>);
    expect(bad.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const t = await fetch(withOverlap.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ gongTranscriptsSync(first: 1) { checkpoint } }' }),
    }).then((r) => r.json() as Promise<{ data: { gongTranscriptsSync: { checkpoint: string } } }>);
    const cross = await fetch(withOverlap.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($c: String) { gongCallsSync(checkpoint: $c) { hasMore } }',
        variables: { c: t.data.gongTranscriptsSync.checkpoint },
      }),
    }).then((r) => r.json() as Promise<{ errors: { extensions: { code: string } }[] }>);
    expect(cross.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});
