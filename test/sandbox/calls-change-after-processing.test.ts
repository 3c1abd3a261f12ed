/**
 * The sandbox changes processed calls as Gong does, and only reads show it: a rename, a privacy
 * flip, a later callOutcome, a deletion (transcript included) and a third-party import with an old
 * start and no webhook, over the HTTP control API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sb: Sandbox;
const now = Date.parse('2026-03-02T12:00:00Z');
beforeAll(async () => {
  sb = await startSandbox({ rateLimit: false, users: 12, calls: 40, days: 10, now: () => now });
});
afterAll(() => sb.close());

const basic = () =>
  `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`;

async function gong(method: string, path: string, body?: unknown) {
  const r = await fetch(`${sb.url}${path}`, {
    method,
    headers: { authorization: basic(), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function control(method: string, path: string, body?: unknown) {
  const r = await fetch(`${sb.url}/__sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

type Listed = { metaData: { id: string; title: string; isPrivate: boolean; started: string } };
const extensive = async (filter: Record<string, unknown>, contentSelector?: unknown) =>
  (await gong('POST', '/v2/calls/extensive', { filter, contentSelector })).body.calls as
    Listed[] | undefined;
const window = { fromDateTime: '2026-02-01T00:00:00Z', toDateTime: '2026-03-03T00:00:00Z' };

describe('calls change after processing', () => {
  it('a rename and a privacy flip show in every read, and nothing is announced', async () => {
    const id = sb.control.allCalls()[3]!.metaData.id;
    const deliveries = sb.control.webhookDeliveries().length;
    const patched = await control('PATCH', `/calls/${id}`, { title: 'Renamed', isPrivate: true });
    expect(patched.status).toBe(200);
    expect((await gong('GET', `/v2/calls/${id}`)).body.call).toMatchObject({
      title: 'Renamed',
      isPrivate: true,
    });
    expect((await extensive({ callIds: [id] }))?.[0]?.metaData).toMatchObject({
      title: 'Renamed',
      isPrivate: true,
    });
    await control('PATCH', `/calls/${id}`, { isPrivate: false });
    expect((await extensive({ callIds: [id] }))?.[0]?.metaData.isPrivate).toBe(false);
    expect(sb.control.webhookDeliveries()).toHaveLength(deliveries);
  });

  it('refuses edits of the fields tied to when the call happened, and unknown fields', async () => {
    const id = sb.control.allCalls()[4]!.metaData.id;
    const r = await control('PATCH', `/calls/${id}`, { started: '2026-01-01T00:00:00Z' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('started cannot change');
    expect((await control('PATCH', `/calls/${id}`, { color: 'red' })).status).toBe(400);
    expect((await control('PATCH', '/calls/123', { title: 'x' })).status).toBe(404);
  });

  it('sets a callOutcome later, and clears it', async () => {
    const id = sb.control.allCalls()[5]!.metaData.id;
    const outcome = { id: 'MEETING_BOOKED', category: 'Answered', name: 'Meeting booked' };
    expect((await control('PUT', `/calls/${id}/outcome`, { callOutcome: outcome })).status).toBe(
      200,
    );
    const selector = { exposedFields: { content: { callOutcome: true } } };
    const read = async () =>
      (
        (await extensive({ callIds: [id] }, selector))?.[0] as {
          content?: { callOutcome?: unknown };
        }
      ).content?.callOutcome;
    expect(await read()).toEqual(outcome);
    // By a definition's name, as Gong AI writes it.
    expect(
      (await control('PUT', `/calls/${id}/outcome`, { callOutcome: 'Not interested' })).status,
    ).toBe(200);
    expect(await read()).toEqual({
      id: 'NOT_INTERESTED',
      category: 'Answered',
      name: 'Not interested',
    });
    expect((await control('PUT', `/calls/${id}/outcome`, { callOutcome: 'Nope' })).status).toBe(
      400,
    );
    await control('PUT', `/calls/${id}/outcome`, { callOutcome: null });
    expect(await read()).toBeUndefined();
  });

  it('a deleted call is gone from every read, its transcript too', async () => {
    const id = sb.control.allCalls()[6]!.metaData.id;
    const transcript = () =>
      gong('POST', '/v2/calls/transcript', { filter: { callIds: [id] } }).then((r) => r.status);
    expect(await transcript()).toBe(200);
    expect((await control('DELETE', `/calls/${id}`)).status).toBe(200);
    expect((await gong('GET', `/v2/calls/${id}`)).status).toBe(404);
    expect((await extensive(window))?.some((c) => c.metaData.id === id)).toBe(false);
    expect(await transcript()).toBe(404);
    expect(sb.control.allCalls().some((c) => c.metaData.id === id)).toBe(false);
    expect((await control('DELETE', `/calls/${id}`)).status).toBe(404);
  });

  it('imports a call with a start 3 days back, visible at once with its transcript, no webhook', async () => {
    const deliveries = sb.control.webhookDeliveries().length;
    const r = await control('POST', '/calls/import', { title: 'Dialer backfill' });
    expect(r.status).toBe(200);
    const id = r.body.callId as string;
    const found = (await extensive(window))?.find((c) => c.metaData.id === id);
    expect(found?.metaData.title).toBe('Dialer backfill');
    expect(now - Date.parse(found!.metaData.started)).toBeGreaterThanOrEqual(3 * 86_400_000);
    expect((await gong('POST', '/v2/calls/transcript', { filter: { callIds: [id] } })).status).toBe(
      200,
    );
    expect(sb.control.webhookDeliveries()).toHaveLength(deliveries);
    expect((await control('POST', '/calls/import', { startedAgoMs: -1 })).status).toBe(400);
  });
});
