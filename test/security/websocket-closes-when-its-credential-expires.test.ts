/**
 * A subscription outlived its credential: events kept arriving after the client JWT expired. The
 * socket is now closed with 4401 when the JWT that authenticated it expires; API-key sockets,
 * whose credential does not expire, stay open.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import { CREDENTIAL_EXPIRED_CLOSE } from '../../src/http/websocket-guard.js';
import { startEventGateway, startEventSandbox, type EventGateway } from '../events/gateway-harness.js';
import { rawWebSocket } from './support.js';

const SECRET = 'an-expiry-test-secret-of-at-least-32-chars';

describe('a WebSocket and the lifetime of its credential', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, { GATEWAY_JWT_SECRET: SECRET, GATEWAY_API_KEYS: 'expiry-key' });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  const acked = async (authorization: string) => {
    const s = rawWebSocket(gw.wsUrl);
    await s.opened;
    s.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
    await new Promise<void>((resolve) => s.ws.once('message', () => resolve()));
    expect(s.messages).toEqual([{ type: 'connection_ack' }]);
    s.ws.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: 'subscription { gongCallCreated { eventId } }' } }));
    return s;
  };

  it('closes a JWT socket with 4401 when the JWT expires, and leaves an API-key socket open', async () => {
    const jwt = await new SignJWT({ conn: 'default' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) + 2).sign(new TextEncoder().encode(SECRET));
    const byJwt = await acked(`Bearer ${jwt}`);
    const byKey = await acked('Bearer expiry-key');
    const closed = await byJwt.closed;
    expect(closed.code).toBe(CREDENTIAL_EXPIRED_CLOSE);
    expect(closed.reason).toMatch(/expired/);
    expect(byKey.ws.readyState).toBe(byKey.ws.OPEN);
    byKey.ws.close();
  });
});
