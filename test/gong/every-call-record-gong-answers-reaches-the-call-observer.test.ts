/**
 * The call observer (src/gong/call-observer.ts) hears every call and transcript record the Gong
 * client receives, whichever read asked: by id (merged or not), a list page, GET /v2/calls/{id},
 * transcripts. A listener that throws never fails the read that fed it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createCallObserver, type CallsObserved } from '../../src/gong/call-observer.js';
import { makeClients } from './support/clients.js';

describe('the call observer', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ rateLimit: false, users: 10, calls: 30 });
  });
  afterAll(async () => sb.close());

  it('hears by-id, list, single and transcript reads, with the selector asked for', async () => {
    const observer = createCallObserver();
    const calls: CallsObserved[] = [];
    const transcripts: string[] = [];
    observer.listen({ calls: (o) => calls.push(o) });
    observer.listen({
      transcripts: (o) => transcripts.push(...o.transcripts.map((t) => t.callId)),
    });
    observer.listen({
      calls: () => {
        throw new Error('a consumer bug');
      },
    });
    const clients = makeClients(sb, { observer });
    const client = clients.client('default');
    const ids = sb.control
      .allCalls()
      .slice(0, 3)
      .map((c) => c.metaData.id);

    const selector = { exposedFields: { parties: true } };
    await client.callsByIds(ids, selector);
    expect(calls.at(-1)).toMatchObject({ connectionRef: 'default', source: 'read', selector });
    expect(
      calls
        .at(-1)
        ?.calls.map((c) => c.metaData.id)
        .sort(),
    ).toEqual([...ids].sort());

    const one = await client.getCall(ids[0]!);
    expect(one?.id).toBe(ids[0]);
    expect(calls.at(-1)).toMatchObject({ selector: undefined });
    expect(calls.at(-1)?.calls).toEqual([{ metaData: one }]);

    const from = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const page = await client.listCalls({
      fromDateTime: from,
      toDateTime: new Date().toISOString(),
    });
    expect(calls.at(-1)?.calls.map((c) => c.metaData.id)).toEqual(page.items.map((c) => c.id));

    const got = await client.transcriptsByIds(ids);
    expect(transcripts.sort()).toEqual(got.map((t) => t.callId).sort());
    expect(got.length).toBeGreaterThan(0);
    await clients.close();
  });
});
