/**
 * Unauthenticated buffering: the webhook route read up to 5 MB with no Authorization at all, a
 * body sent 1 byte every 2 s was held for 30 minutes, and `/graphql` read 1 MiB before auth. Now
 * a missing or forged token is refused before the body is read (the attacks below never send
 * one), signed bodies have an idle and a total deadline, and concurrent bodies are bounded. An
 * authenticated client's /graphql or /proxy body gets the same two deadlines (it held a buffer for
 * the server's request timeout before).
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { signDelivery, testKeyPair, webhookBody } from '../events/support.js';
import { eventually } from '../ops/support.js';
import { rawRequest } from './support.js';

const gong = testKeyPair();
const stranger = testKeyPair();

describe('bodies and authentication', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  let port: number;
  const open: Socket[] = [];
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      GATEWAY_API_KEYS: 'body-key',
      GONG_WEBHOOK_PUBLIC_KEY: gong.publicKey,
      // Short deadlines (the drip below keeps well inside the idle one).
      WEBHOOK_BODY_IDLE_MS: '400',
      WEBHOOK_BODY_DEADLINE_MS: '700',
      HTTP_BODY_IDLE_MS: '400',
      HTTP_BODY_DEADLINE_MS: '700',
      WEBHOOK_MAX_CONCURRENT: '2',
    });
    port = Number(new URL(gw.publicUrl).port);
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await gw?.close();
    await sandbox?.close();
  });

  const webhookHead = (authorization: string | undefined, length: number, ref = 'default') =>
    `POST /webhooks/gong/${ref} HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${authorization ? `Authorization: ${authorization}\r\n` : ''}\r\n`;
  const signed = (body: string, ref = 'default') =>
    signDelivery({ privateKey: gong.privateKey, url: gw.webhookUrl(ref), body });
  const reading = async () =>
    (await gw.gateway.metrics.webhookBodiesReading.get()).values[0]?.value ?? 0;
  const keep = <T extends { socket: Socket }>(a: T) => (open.push(a.socket), a);

  it('a webhook without Authorization, or with a forged one, is refused before its body is sent', async () => {
    const body = webhookBody('900000000000000101');
    for (const authorization of [
      undefined,
      await signDelivery({ privateKey: stranger.privateKey, url: gw.webhookUrl(), body }),
      'not-a-jwt',
    ]) {
      // Only the head: a gateway that waited for the 5 MB body would never answer.
      const a = keep(await rawRequest(port, webhookHead(authorization, 5_000_000)));
      expect(a.status).toBe(401);
      expect(a.headers.connection).toBe('close');
    }
  });

  it('/graphql refuses a request without credentials before its body is sent', async () => {
    const a = keep(
      await rawRequest(
        port,
        `POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`,
      ),
    );
    expect(a.status).toBe(401);
    expect(JSON.parse(a.body)).toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('an authenticated /graphql or /proxy body that stalls or trickles gets 408, and nothing goes upstream', async () => {
    const head = (path: string, length: number) =>
      `POST ${path} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer body-key\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    const query = JSON.stringify({ query: '{ gongWorkspaces { id } }' });
    sandbox.control.resetLog();
    for (const path of ['/graphql', '/proxy/v2/calls/extensive']) {
      const stalled = keep(await rawRequest(port, head(path, query.length) + query.slice(0, 3)));
      expect(stalled.status).toBe(408);
      expect(stalled.headers.connection).toBe('close');
      expect(JSON.parse(stalled.body)).toMatchObject({ error: { code: 'REQUEST_TIMEOUT' } });
    }
    let sent = 0;
    let drip: ReturnType<typeof setInterval> | undefined;
    const trickled = keep(
      await rawRequest(port, head('/graphql', query.length), (socket) => {
        drip = setInterval(() => socket.write(query.charAt(sent++)), 60);
      }).finally(() => clearInterval(drip)),
    );
    expect(trickled.status).toBe(408);
    expect(sent).toBeLessThan(query.length);
    expect(sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/'))).toEqual([]);
  });

  it('a signed body that stalls gets 408 after the idle timeout', async () => {
    const body = webhookBody('900000000000000102');
    const a = keep(
      await rawRequest(
        port,
        webhookHead(await signed(body), Buffer.byteLength(body)) + body.slice(0, 1),
      ),
    );
    expect(a.status).toBe(408);
  });

  it('a signed body that trickles gets 408 at the total deadline', async () => {
    const body = webhookBody('900000000000000103');
    let sent = 0;
    let drip: ReturnType<typeof setInterval> | undefined;
    // One byte every 60 ms keeps the idle timer alive; only the total deadline can stop it.
    const a = keep(
      await rawRequest(port, webhookHead(await signed(body), Buffer.byteLength(body)), (socket) => {
        drip = setInterval(() => socket.write(body.charAt(sent++)), 60);
      }).finally(() => clearInterval(drip)),
    );
    expect(a.status).toBe(408);
    expect(sent).toBeGreaterThan(5);
    expect(sent).toBeLessThan(body.length);
  });

  it('concurrent webhook bodies are bounded: past WEBHOOK_MAX_CONCURRENT the answer is 503 with Retry-After', async () => {
    const body = webhookBody('900000000000000104');
    const head = webhookHead(await signed(body), Buffer.byteLength(body));
    const stalled = [rawRequest(port, head), rawRequest(port, head)];
    await eventually(async () => (await reading()) === 2 || undefined);
    const third = keep(await rawRequest(port, head));
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('1');
    for (const s of await Promise.all(stalled)) keep(s);
    await eventually(async () => (await reading()) === 0 || undefined);
  });

  it('an aborted webhook upload is counted as aborted, not as an error', async () => {
    const body = webhookBody('900000000000000105');
    const { connect } = await import('node:net');
    const socket = connect(port, '127.0.0.1');
    socket.write(webhookHead(await signed(body), Buffer.byteLength(body)) + body.slice(0, 10));
    await eventually(async () => (await reading()) === 1 || undefined);
    socket.destroy();
    const outcomes = await eventually(async () => {
      const m = await gw.gateway.metrics.webhooksReceived.get();
      return m.values.some((v) => v.labels.outcome === 'aborted') ? m.values : undefined;
    });
    expect(outcomes.find((v) => v.labels.outcome === 'aborted')?.value).toBe(1);
    expect(outcomes.find((v) => v.labels.outcome === 'error')).toBeUndefined();
  });
});
