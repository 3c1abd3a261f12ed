/**
 * gongCallChanged is one subscription on every transport: graphql-ws, Server-Sent Events
 * (graphql-sse's own client) and Apollo's multipart HTTP protocol each receive the same change, and
 * resume with `after`.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';
import {
  CALL_CHANGED,
  callsStarted,
  DAY,
  indexed,
  startChangeRig,
  type ChangeEvent,
  type ChangeRig,
} from './support.js';

let rig: ChangeRig;
beforeAll(async () => {
  rig = await startChangeRig();
  await indexed(rig);
});
afterAll(() => rig?.close());

const open = async (n: number) =>
  eventually(
    async () =>
      (await rig.gw.gateway.metrics.openSubscriptions.get()).values.reduce(
        (s, v) => s + v.value,
        0,
      ) >= n
        ? true
        : undefined,
    5_000,
    `${n} open subscriptions`,
  );

/** Reads Apollo multipart parts until one carries `callId`. */
async function multipartEvent(
  callId: string,
  signal: AbortSignal,
  ready: () => void,
): Promise<ChangeEvent> {
  const res = await fetch(rig.gw.gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0", application/json',
    },
    body: JSON.stringify({ query: CALL_CHANGED, variables: { includePrivate: true } }),
    signal,
  });
  expect(res.headers.get('content-type')).toContain('multipart/mixed');
  ready();
  const reader = res.body!.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('multipart stream ended');
    text += new TextDecoder().decode(value);
    for (const part of text.split('--graphql')) {
      const json = part.slice(part.indexOf('{'));
      if (!json.includes(callId)) continue;
      try {
        const body = JSON.parse(json.trim()) as {
          payload: { data: { gongCallChanged: ChangeEvent } };
        };
        await reader.cancel();
        return body.payload.data.gongCallChanged;
      } catch {
        // Not the whole part yet.
      }
    }
  }
}

describe('gongCallChanged', () => {
  it('reaches graphql-ws, SSE and multipart subscribers alike, and resumes with after over SSE', async () => {
    const target = callsStarted(rig, DAY - 3_600_000, 0)[0]!.metaData.id;
    const ws = subscribe<ChangeEvent>(rig.gw.wsUrl, CALL_CHANGED, { includePrivate: true });
    const sse = createSseClient({ url: rig.gw.gateway.url, retryAttempts: 0 });
    const sseEvents = sse.iterate<{ gongCallChanged: ChangeEvent }>({
      query: CALL_CHANGED,
      variables: { includePrivate: true },
    });
    const sseFirst = sseEvents.next();
    const abort = new AbortController();
    let multipartOpen = false;
    const multipart = multipartEvent(target, abort.signal, () => (multipartOpen = true));
    await open(3);
    await eventually(() => (multipartOpen ? true : undefined), 5_000, 'the multipart stream');

    rig.sandbox.control.editCall(target, { title: 'Renamed for every transport' });
    rig.clock.advance(61_000);
    await rig.gw.gateway.changes.tick();

    const expected = {
      kind: 'UPDATED',
      callId: target,
      changedFields: ['title'],
      call: { title: 'Renamed for every transport' },
    };
    expect(await eventually(() => ws.items[0], 5_000, 'the graphql-ws event')).toMatchObject(
      expected,
    );
    const overSse = ((await sseFirst).value as { data: { gongCallChanged: ChangeEvent } }).data
      .gongCallChanged;
    expect(overSse).toMatchObject(expected);
    expect(await multipart).toMatchObject(expected);
    abort.abort();
    ws.stop();
    await sseEvents.return?.(undefined);

    // Missed while away: replayed after the last eventId it took.
    rig.sandbox.control.editCall(target, { title: 'Renamed while away' });
    rig.clock.advance(61_000);
    await rig.gw.gateway.changes.tick();
    const resumed = sse.iterate<{ gongCallChanged: ChangeEvent }>({
      query: CALL_CHANGED,
      variables: { after: overSse.eventId, includePrivate: true },
    });
    const next = ((await resumed.next()).value as { data: { gongCallChanged: ChangeEvent } }).data
      .gongCallChanged;
    expect(next).toMatchObject({ kind: 'UPDATED', call: { title: 'Renamed while away' } });
    await resumed.return?.(undefined);
    sse.dispose();
  });
});
