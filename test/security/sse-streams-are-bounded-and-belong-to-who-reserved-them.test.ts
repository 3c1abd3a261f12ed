/**
 * GraphQL over SSE, attacked as the second pass did:
 * - one tenant's never-read (or never-opened) stream kept every result queued for it until the
 *   heap ran out: results now wait in the subscription hub's bounded queue (WS_MAX_PENDING_EVENTS)
 *   and a subscriber past it is ended with an error naming the eventId to resume after;
 * - with A's stream token, B opened A's stream, read its results, added and cancelled operations:
 *   a token now exists only for the credential that reserved it (404 for any other);
 * - 50,000 reservations from one key were never freed: they expire unopened
 *   (SSE_RESERVATION_TTL_MS) and one credential holds at most SSE_MAX_STREAMS_PER_CREDENTIAL;
 * - an anonymous request routed to SSE kept its socket (and a declared 50 MB body) open after
 *   the 401: it is answered and closed without reading the body.
 * Multipart subscriptions get the same bound.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually, testKeyPair } from '../events/support.js';
import { postWebhook, rawRequest } from './support.js';
import { sseEvents, subscribeOver } from './transports.js';

const A = { authorization: 'Bearer sse-key-a' };
const B = { authorization: 'Bearer sse-key-b' };
const C = { authorization: 'Bearer sse-key-c' };
const gong = testKeyPair();
const SUBSCRIPTION = 'subscription { gongCallCreated { eventId call { id title } } }';

describe('GraphQL over SSE', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  let url: string;
  let port: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      GATEWAY_API_KEYS: 'sse-key-a,sse-key-b,sse-key-c',
      GONG_WEBHOOK_PUBLIC_KEY: gong.publicKey,
      SSE_RESERVATION_TTL_MS: '60000',
      SSE_MAX_STREAMS_PER_CREDENTIAL: '3',
      WS_MAX_PENDING_EVENTS: '4',
    });
    url = gw.gateway.url;
    port = Number(new URL(url).port);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await gw?.close();
    await sandbox?.close();
  });

  const reserve = async (headers: Record<string, string>) => {
    const res = await fetch(url, { method: 'PUT', headers });
    return { status: res.status, token: await res.text() };
  };
  const withToken = (headers: Record<string, string>, token: string) => ({
    ...headers,
    'x-graphql-event-stream-token': token,
  });

  it('a reservation exists only for the credential that made it: another one gets 404 whatever it asks', async () => {
    const a = await reserve(A);
    expect(a.status).toBe(201);
    const asB = withToken(B, a.token);
    const open = await fetch(url, { headers: { ...asB, accept: 'text/event-stream' } });
    expect(open.status).toBe(404);
    const add = await fetch(url, {
      method: 'POST',
      headers: { ...asB, 'content-type': 'application/json' },
      body: JSON.stringify({ query: SUBSCRIPTION, extensions: { operationId: 'b-1' } }),
    });
    expect(add.status).toBe(404);
    const cancel = await fetch(`${url}?operationId=a-1`, { method: 'DELETE', headers: asB });
    expect(cancel.status).toBe(404);
    const viaQuery = await fetch(`${url}?token=${a.token}`, {
      headers: { ...B, accept: 'text/event-stream' },
    });
    expect(viaQuery.status).toBe(404);
    for (const r of [open, add, cancel, viaQuery]) await r.arrayBuffer();

    // A still opens it, adds an operation and receives its result.
    const ac = new AbortController();
    const stream = await fetch(url, {
      signal: ac.signal,
      headers: { ...withToken(A, a.token), accept: 'text/event-stream' },
    });
    expect(stream.status).toBe(200);
    const added = await fetch(url, {
      method: 'POST',
      headers: { ...withToken(A, a.token), 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ gongWorkspaces { id } }',
        extensions: { operationId: 'a-1' },
      }),
    });
    expect(added.status).toBe(202);
    for await (const e of sseEvents(stream)) {
      expect(e.event).toBe('next');
      expect(JSON.parse(e.data)).toMatchObject({
        id: 'a-1',
        payload: { data: { gongWorkspaces: expect.any(Array) as unknown } },
      });
      break;
    }
    ac.abort();
  });

  it('a credential holds at most SSE_MAX_STREAMS_PER_CREDENTIAL streams; other credentials are not affected', async () => {
    await eventually(async () => ((await reserve(A)).status === 429 ? true : undefined));
    const distinct = await fetch(url, {
      method: 'POST',
      headers: { ...A, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(distinct.status).toBe(429);
    expect(await distinct.json()).toMatchObject({
      errors: [{ extensions: { code: 'STREAM_LIMIT_EXCEEDED' } }],
    });
    expect((await reserve(B)).status).toBe(201);
  });

  it('an anonymous request is answered 401 and its socket closed without reading its declared body', async () => {
    for (const head of [
      `POST /graphql HTTP/1.1\r\nHost: gw\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n`,
      `PUT /graphql HTTP/1.1\r\nHost: gw\r\nContent-Length: 50000000\r\n\r\n`,
    ]) {
      const a = await rawRequest(port, head);
      sockets.push(a.socket);
      expect(a.status).toBe(401);
      expect(a.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(JSON.parse(a.body)).toMatchObject({
        errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
      });
      await new Promise<void>((resolve) =>
        a.socket.destroyed ? resolve() : a.socket.once('close', () => resolve()),
      );
    }
  });

  it('subscribers that do not read are ended past the bound, each told the eventId to resume after', async () => {
    await eventually(async () => ((await gw.openSubscriptions()) === 0 ? true : undefined));
    // Two raw clients that stop reading once their stream started: SSE and multipart.
    const slow = await Promise.all(
      [
        { accept: 'text/event-stream' },
        { accept: 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"' },
      ].map(async ({ accept }) => {
        const body = JSON.stringify({ query: SUBSCRIPTION });
        let text = '';
        const a = await rawRequest(
          port,
          `POST /graphql HTTP/1.1\r\nHost: gw\r\nAuthorization: ${C.authorization}\r\nAccept: ${accept}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          (s) => s.on('data', (b: Buffer) => (text += b.toString('latin1'))),
        );
        sockets.push(a.socket);
        a.socket.pause();
        return { socket: a.socket, text: () => text };
      }),
    );
    await eventually(async () => ((await gw.openSubscriptions()) === 2 ? true : undefined));
    // A flood of large events: the kernel's buffers fill, then the hub's bound of 4 is passed.
    const title = 'x'.repeat(400_000);
    let n = 0;
    while ((await gw.openSubscriptions()) > 0 && n < 400) {
      await Promise.all(
        Array.from({ length: 4 }, () =>
          postWebhook(gw.webhookUrl(), gong.privateKey, `91${String(n++).padStart(16, '0')}`, {
            title,
          }),
        ),
      );
    }
    expect(await gw.openSubscriptions()).toBe(0);
    expect(n).toBeLessThan(400);
    for (const s of slow) s.socket.resume();
    // Each response ends (its last chunk) once the client read what was written before the end.
    await eventually(() =>
      Promise.resolve(slow.every((s) => s.text().endsWith('\r\n0\r\n\r\n')) || undefined),
    );
    // What each client read: its events, then the error naming the last one it got.
    for (const s of slow) {
      const ids = [...s.text().matchAll(/"eventId":"([^"]+)"/g)].map((m) => m[1]);
      const last = ids.at(-1);
      expect(last).toBeDefined();
      const resume = /Subscriber too slow: resume with after=([^"]*)"/.exec(s.text())?.[1];
      expect(resume).toBe(last);
      expect(s.text()).toContain('SUBSCRIBER_TOO_SLOW');
    }
    // Resuming from there delivers the next event, not one already seen.
    const lastSeen = [...slow[0]!.text().matchAll(/"eventId":"([^"]+)"/g)].map((m) => m[1]).at(-1)!;
    const resumed = await subscribeOver(
      'sse-distinct',
      url,
      'subscription ($after: String) { gongCallCreated(after: $after) { eventId } }',
      C,
      { after: lastSeen },
    );
    await resumed.received(1);
    const first = (resumed.results[0]!.data as { gongCallCreated: { eventId: string } })
      .gongCallCreated.eventId;
    resumed.close();
    const [ms, seq] = first.split('-').map(Number);
    const [lms, lseq] = lastSeen.split('-').map(Number);
    expect(ms! > lms! || (ms === lms && seq! > lseq!)).toBe(true);
  }, 60_000);
});

describe('SSE reservations expire', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      GATEWAY_API_KEYS: 'sse-key-a',
      SSE_RESERVATION_TTL_MS: '200',
      SSE_MAX_STREAMS_PER_CREDENTIAL: '2',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it('a reservation not opened within SSE_RESERVATION_TTL_MS is dropped and frees its place', async () => {
    const url = gw.gateway.url;
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, { method: 'PUT', headers: A });
      expect(res.status).toBe(201);
      tokens.push(await res.text());
    }
    // Gone once expired: its token is unknown, and the credential may reserve again.
    // (DELETE of an unknown operation: 200 while the stream exists, 404 once it is gone.)
    await eventually(async () => {
      const res = await fetch(`${url}?operationId=none`, {
        method: 'DELETE',
        headers: { ...A, 'x-graphql-event-stream-token': tokens[0]! },
      });
      await res.arrayBuffer();
      return res.status === 404 ? true : undefined;
    });
    const again = await fetch(url, { method: 'PUT', headers: A });
    expect(again.status).toBe(201);
  });
});
