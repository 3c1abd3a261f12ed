/**
 * The cap on WebSockets waiting for `connection_init` was global only (100): one anonymous client
 * holding them got a legitimate client 1013 on 73 of 77 tries. It is now per peer address as well
 * (WS_MAX_UNAUTHENTICATED_PER_PEER). Behind proxies (TRUST_PROXY hops) the peer is read from
 * X-Forwarded-For, from the right: a client cannot escape its cap by prepending addresses.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/http/client-address.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { rawWebSocket } from './support.js';

describe('unauthenticated WebSockets per peer', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      GATEWAY_API_KEYS: 'peer-key',
      WS_MAX_UNAUTHENTICATED_SOCKETS: '50',
      WS_MAX_UNAUTHENTICATED_PER_PEER: '2',
      TRUST_PROXY: '1',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it('one peer holding its share gets 1013; another peer still connects and authenticates', async () => {
    const from = (xff: string) => rawWebSocket(gw.wsUrl, { 'x-forwarded-for': xff });
    const held = [from('203.0.113.7'), from('203.0.113.7')];
    await Promise.all(held.map((s) => s.opened));
    expect((await from('203.0.113.7').closed).code).toBe(1013);
    // Prepending addresses does not make a new peer: the proxy's entry is the one trusted.
    expect((await from('10.0.0.1, 203.0.113.7').closed).code).toBe(1013);

    const other = from('198.51.100.9');
    await other.opened;
    other.ws.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer peer-key' } }),
    );
    await new Promise<void>((resolve) => other.ws.once('message', () => resolve()));
    expect(other.messages).toEqual([{ type: 'connection_ack' }]);
    other.ws.close();
    for (const s of held) s.ws.terminate();
  });
});

describe('the client address', () => {
  const req = (xff: string | undefined, remote = '127.0.0.1') =>
    ({
      headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
      socket: { remoteAddress: remote },
    }) as unknown as IncomingMessage;

  it('is the socket address without trusted proxies, whatever X-Forwarded-For says', () => {
    expect(clientAddress(req('203.0.113.7'), 0)).toBe('127.0.0.1');
  });
  it('is the entry TRUST_PROXY hops from the right with proxies', () => {
    expect(clientAddress(req('198.51.100.1, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(req('198.51.100.1, 203.0.113.7'), 2)).toBe('198.51.100.1');
    expect(clientAddress(req(undefined), 1)).toBe('127.0.0.1');
  });
});
