/**
 * Gong filters calls on their start, but shows a call only once it has ended and been processed;
 * a call added with POST /v2/calls keeps its own actualStart. gongCallsSync still delivers each of
 * these exactly once: a 3-hour meeting processed an hour after it ended, an upload whose start was
 * 6 hours back (both inside the default overlap), and calls whose start is days back that the
 * gateway learned of through gongCreateCall or a call.created webhook (read by id). A gateway with
 * the former 120-minute overlap and no learned calls runs the same chain and misses all four.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { SANDBOX_TEST_OPTIONS, startGateway, type TestGateway } from '../support/gateway.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
let clock = Math.floor(Date.now() / MIN) * MIN;
const now = () => clock;

let sandbox: Sandbox;
let current: TestGateway;
let former: TestGateway;

/** A gateway on the shared sandbox and clock; the overlaps are the defaults unless `env` says. */
const startOnClock = (env: Record<string, string>, publicUrl = false) =>
  startGateway({
    sandbox,
    publicUrl,
    env: { SYNC_START_DAYS: '5', ...env },
    deps: () => ({ now }),
  });

beforeAll(async () => {
  sandbox = await startSandbox({
    webhookSigningKey: testWebhookSigningKey(),
    ...SANDBOX_TEST_OPTIONS,
    users: 8,
    calls: 120,
    days: 3,
    now,
    processingDelayMs: 60 * MIN,
    transcriptDelayMs: 180 * MIN,
    processingIntervalMs: 3_600_000,
  });
  // Defaults for the overlaps: what this test pins is what a deployment gets without tuning.
  current = await startOnClock(
    {
      GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
      TRANSCRIPT_POLL_INITIAL_SECONDS: '3600',
    },
    true,
  );
  former = await startOnClock({
    TRANSCRIPT_POLL_INITIAL_SECONDS: '3600',
    SYNC_CALLS_OVERLAP_MINUTES: '120',
  });
});
afterAll(async () => {
  await current?.close();
  await former?.close();
  await sandbox?.close();
});

/** The data of an operation that must not fail. */
async function dataOf<T>(
  gw: TestGateway,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const r = await gw.gql<T>(query, variables);
  expect(r.errors).toBeUndefined();
  return r.data as T;
}

interface Chain {
  checkpoint: string | null;
  delivered: string[];
  longest: number;
}
const chain = (): Chain => ({ checkpoint: null, delivered: [], longest: 0 });

async function syncRun(
  gw: TestGateway,
  field: 'gongCallsSync' | 'gongTranscriptsSync',
  c: Chain,
  first: number,
): Promise<void> {
  const idField = field === 'gongCallsSync' ? 'id' : 'callId';
  for (let i = 0; i < 200; i++) {
    const data = await dataOf<
      Record<string, { nodes: Record<string, string>[]; checkpoint: string; hasMore: boolean }>
    >(
      gw,
      `query($c: String, $n: Int) { ${field}(checkpoint: $c, first: $n) { nodes { ${idField} } checkpoint hasMore } }`,
      { c: c.checkpoint, n: first },
    );
    const page = data[field]!;
    c.delivered.push(...page.nodes.map((n) => n[idField] as string));
    c.checkpoint = page.checkpoint;
    c.longest = Math.max(c.longest, page.checkpoint.length);
    if (!page.hasMore) return;
  }
  throw new Error('sync did not finish');
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function upload(startedAgoMs: number, clientUniqueId: string): Promise<string> {
  const user = sandbox.control.allCalls()[0]!.metaData.primaryUserId!;
  const data = await dataOf<{ gongCreateCall: { callId: string } }>(
    current,
    `mutation($input: GongCreateCallInput!) { gongCreateCall(input: $input) { callId } }`,
    {
      input: {
        clientUniqueId,
        actualStart: iso(clock - startedAgoMs),
        duration: 1800,
        direction: 'Outbound',
        primaryUser: user,
        parties: [{ userId: user }],
      },
    },
  );
  return data.gongCreateCall.callId;
}

const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;

describe('gongCallsSync and late calls', () => {
  it('delivers a long meeting, a 6-hour-old upload and days-old learned calls exactly once; the former overlap misses them', async () => {
    sandbox.control.addWebhookRule({ targetUrl: current.webhookUrl() });
    const calls = { current: chain(), former: chain() };
    const transcripts = chain();
    const step = async () => {
      await sandbox.control.tick();
      await syncRun(current, 'gongCallsSync', calls.current, 9);
      await syncRun(former, 'gongCallsSync', calls.former, 100);
      await syncRun(current, 'gongTranscriptsSync', transcripts, 50);
    };
    await step();
    const seeded = sandbox.control.allCalls().filter((c) => !c.metaData.isPrivate).length;
    expect(calls.current.delivered).toHaveLength(seeded);

    // Ended now after 3 hours; Gong shows it an hour later, 4 hours after its start.
    const meeting = await sandbox.control.endCall({ durationSeconds: 3 * 3600, isPrivate: false });
    const recent = await upload(6 * HOUR, 'upload-6h');
    const oldUpload = await upload(3 * 24 * HOUR, 'upload-3d');
    // A dialer's recording that reached Gong two days after the call: known only from its webhook.
    const dialed = await sandbox.control.endCall({
      startedAgoMs: 2 * 24 * HOUR,
      durationSeconds: 600,
      isPrivate: false,
    });
    const late = [meeting, recent, oldUpload, dialed];

    for (let i = 0; i < 12; i++) {
      clock += 30 * MIN;
      await step();
      if (i === 0) for (const id of late) expect(count(calls.current.delivered, id)).toBe(0); // still processing
    }

    for (const id of late) expect(count(calls.current.delivered, id), id).toBe(1);
    for (const id of late) expect(count(calls.former.delivered, id), id).toBe(0);
    expect(new Set(calls.current.delivered).size).toBe(calls.current.delivered.length);
    // Learned calls carry their transcripts into the transcripts sync too, once.
    expect(count(transcripts.delivered, oldUpload)).toBe(1);
    expect(count(transcripts.delivered, dialed)).toBe(1);
    expect(new Set(transcripts.delivered).size).toBe(transcripts.delivered.length);
    // The delivered ids stay server-side: the token (mostly Gong's page cursor) does not grow with the calls it delivered.
    expect(calls.current.delivered.length).toBeGreaterThan(100);
    expect(calls.current.longest).toBeLessThan(1024);
  });

  it('continues a chain on a gateway that lost the sync state: nothing missed, the overlap delivered again', async () => {
    const chained = chain();
    await syncRun(current, 'gongCallsSync', chained, 100);
    const fresh = await startOnClock({});
    try {
      clock += 30 * MIN;
      const next = await sandbox.control.endCall({ durationSeconds: 600, isPrivate: false });
      clock += 2 * HOUR;
      await sandbox.control.tick();
      const before = chained.delivered.length;
      await syncRun(fresh, 'gongCallsSync', chained, 100);
      const after = chained.delivered.slice(before);
      expect(count(after, next)).toBe(1);
      // Without the delivered ids, the 24-hour overlap comes again: at least once, never a miss.
      const overlapStart = clock - 2.5 * HOUR - 24 * HOUR;
      const visible = sandbox.control
        .allCalls()
        .filter((c) => !c.metaData.isPrivate && Date.parse(c.metaData.started!) >= overlapStart);
      expect(after.length).toBeGreaterThan(1);
      for (const id of after) expect(visible.map((c) => c.metaData.id)).toContain(id);
    } finally {
      await fresh.close();
    }
  });
});
