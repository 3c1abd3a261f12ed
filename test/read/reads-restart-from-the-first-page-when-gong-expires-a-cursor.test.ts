/**
 * Gong's cursors expire (400 "Failed to verify cursor: cursor has expired"). Every production
 * paging loop goes through one walker (src/gong/reads/pages.ts), which restarts from the first page and
 * delivers each record once: the users read of the flows fan-out, the fan-out itself, and the
 * transcript poller's batch check. The sandbox expires a cursor when its clock jumps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryEventLog } from '../../src/events/memory-event-log.js';
import { createMemoryTranscriptInterest } from '../../src/events/transcript-interest.js';
import { createTranscriptPoller } from '../../src/events/transcript-poller.js';
import { createMemoryTranscriptSchedule } from '../../src/events/transcript-schedule.js';
import { allFlows } from '../../src/graphql/resolvers/flows.js';

const unbounded = { maxRequests: 100_000, now: Date.now };
import type { GongClient } from '../../src/gong/types.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients } from '../gong/support/clients.js';

const CURSOR_TTL_MS = 60_000;

describe('a cursor that expires in the middle of a read', () => {
  let sb: Sandbox;
  let skew = 0;
  beforeAll(async () => {
    sb = await startSandbox({
      rateLimit: false,
      users: 250,
      calls: 150,
      processingDelayMs: 0,
      transcriptDelayMs: 0,
      cursorTtlMs: CURSOR_TTL_MS,
      now: () => Date.now() + skew,
    });
  });
  afterAll(() => sb.close());

  /** The client, with Gong's clock moved past the cursor's life right after the `nth` answer of `endpoint`. */
  function expiringAfter(
    gong: GongClient,
    method: 'listUsers' | 'transcripts',
    nth: number,
  ): GongClient {
    let answers = 0;
    const wrapped = async (...args: unknown[]) => {
      const page = await (gong[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      if (++answers === nth) skew += 2 * CURSOR_TTL_MS;
      return page;
    };
    return Object.assign(Object.create(gong) as GongClient, { [method]: wrapped });
  }

  it('reads every user once when the users read of the flows fan-out meets an expired cursor, and asks each owner once', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 1000 } });
    const gong = clients.client('default');
    const expected = (await allFlows(gong, undefined, undefined, unbounded)).flows;
    sb.control.resetLog();

    const flows = (
      await allFlows(expiringAfter(gong, 'listUsers', 1), undefined, undefined, unbounded)
    ).flows;

    expect(flows.map((f) => f.id).sort()).toEqual(expected.map((f) => f.id).sort());
    const log = sb.control.requestLog();
    // Page 1, the expired page 2, then pages 1 to 3 again: 250 users are three pages.
    expect(log.filter((e) => e.endpoint === 'GET /v2/users').map((e) => e.status)).toEqual([
      200, 400, 200, 200, 200,
    ]);
    const owners = log
      .filter((e) => e.endpoint === 'GET /v2/flows')
      .map((e) => e.query.flowOwnerEmail);
    expect(new Set(owners).size).toBe(owners.length);
    await clients.close();
  });

  it("publishes every ready transcript once when the poller's batch check meets an expired cursor", async () => {
    const clients = makeClients(sb, { limits: { perSecond: 1000 } });
    const gong = expiringAfter(clients.client('default'), 'transcripts', 1);
    const callIds = sb.control
      .allCalls()
      .slice(0, 150)
      .map((c) => c.metaData.id);
    const log = createMemoryEventLog({ maxEvents: 1000 });
    const published: string[] = [];
    log.listen((e) => void published.push((e.data as { callId: string }).callId));
    const interest = createMemoryTranscriptInterest();
    await interest.want('default', 'all', 'subscriber');
    const poller = createTranscriptPoller({
      schedule: createMemoryTranscriptSchedule(),
      interest,
      log,
      client: () => gong,
      initialDelayMs: 0,
      maxDelayMs: 1_000,
      giveUpMs: 3_600_000,
      batchSize: 150,
    });
    for (const callId of callIds) await poller.schedule({ connectionRef: 'default', callId });
    sb.control.resetLog();

    await poller.runOnce();

    expect(published.sort()).toEqual([...callIds].sort());
    expect(
      sb.control
        .requestLog()
        .filter((e) => e.endpoint === 'POST /v2/calls/transcript')
        .map((e) => e.status),
    ).toEqual([200, 400, 200, 200]);
    await poller.close();
    await log.close();
    await clients.close();
  });
});
