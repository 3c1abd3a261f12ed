/**
 * Unauthenticated memory exhaustion over WebSocket: ws's default 100 MiB maxPayload let a socket
 * without credentials make the gateway buffer and parse a huge message before `connection_init`
 * was checked (16 sockets: RSS 0.8 → 2.6 GB). Messages are now capped (WS_MAX_MESSAGE_BYTES,
 * close 1009), sockets waiting to authenticate are bounded (close 1013), and one that never
 * authenticates is cut off even if it ignores the close handshake.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import { startEventGateway, startEventSandbox, type EventGateway } from '../events/gateway-harness.js';
import { rawWebSocket } from './support.js';

describe('WebSocket bounds before authentication', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, { GATEWAY_API_KEYS: 'ws-key', WS_MAX_MESSAGE_BYTES: '65536', WS_MAX_UNAUTHENTICATED_SOCKETS: '3' });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it('a message over WS_MAX_MESSAGE_BYTES closes the socket with 1009 before it is parsed', async () => {
    const s = rawWebSocket(gw.wsUrl);
    await s.opened;
    s.ws.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(70_000) } }));
    expect((await s.closed).code).toBe(1009);
  });

  it('sockets waiting for connection_init are bounded: the next one is closed with 1013', async () => {
    const waiting = [rawWebSocket(gw.wsUrl), rawWebSocket(gw.wsUrl), rawWebSocket(gw.wsUrl)];
    await Promise.all(waiting.map((s) => s.opened));
    const extra = rawWebSocket(gw.wsUrl);
    expect((await extra.closed).code).toBe(1013);
    for (const s of waiting) s.ws.terminate();
    await Promise.all(waiting.map((s) => s.closed));
    // Room again once they are gone.
    const next = rawWebSocket(gw.wsUrl);
    await next.opened;
    next.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer ws-key' } }));
    await new Promise<void>((resolve) => next.ws.once('message', () => resolve()));
    expect(next.messages).toEqual([{ type: 'connection_ack' }]);
    next.ws.close();
  });

  it('a peer that never sends connection_init and ignores the close handshake is cut off', async () => {
    const port = new URL(gw.wsUrl).port;
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('data', () => undefined); // reads the 101 and the 4408 close frame, never answers it
    socket.write(
      `GET /graphql HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`,
    );
    // ws would otherwise wait 30 s for the peer's close frame; the guard terminates after the init timeout.
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(socket.destroyed).toBe(true);
  }, 15_000);
});
