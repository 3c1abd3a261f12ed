/**
 * GraphQL over WebSocket, attacked on one gateway (production, API keys and tenant JWTs,
 * CORS_ORIGINS, small WebSocket limits):
 * - unauthenticated memory exhaustion: ws's default 100 MiB maxPayload let a socket without
 *   credentials make the gateway buffer and parse a huge message before `connection_init` was
 *   checked (16 sockets: RSS 0.8 → 2.6 GB). Messages are capped (WS_MAX_MESSAGE_BYTES, close
 *   1009), sockets waiting to authenticate are bounded (close 1013), and one that never
 *   authenticates is cut off even if it ignores the close handshake;
 * - the production policy of HTTP (no introspection, no "Did you mean" suggestions) was skipped;
 * - a subscription outlived its JWT: the socket now closes with 4401 when the JWT expires;
 * - with CORS_ORIGINS set, a page on another origin could still open a socket (browsers do not
 *   apply CORS to upgrades); clients without Origin are not browsers and go on to authenticate.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { rawWebSocket, wsOperation } from './support.js';
import { clientJwt } from '../support/client-jwt.js';

const SECRET = 'a-websocket-test-secret-of-at-least-32-chars';
const KEY = 'ws-key';
const auth = { authorization: `Bearer ${KEY}` };

describe('GraphQL over WebSocket', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      NODE_ENV: 'production',
      GATEWAY_API_KEYS: KEY,
      GATEWAY_JWT_SECRET: SECRET,
      CORS_ORIGINS: 'https://app.example.com',
      WS_MAX_MESSAGE_BYTES: '65536',
      WS_MAX_UNAUTHENTICATED_SOCKETS: '3',
      WS_CONNECTION_INIT_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  describe('before authentication', () => {
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
      next.ws.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEY}` } }),
      );
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

  describe('the production policy of HTTP', () => {
    const overHttp = async (query: string) => {
      const res = await fetch(`${gw.publicUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    };

    it('refuses introspection, as HTTP does', async () => {
      const query = '{ __schema { queryType { name } } }';
      expect((await overHttp(query)).errors?.length).toBeGreaterThan(0);
      const ws = await wsOperation(gw.wsUrl, query, auth);
      expect(ws.type).toBe('error');
      expect(JSON.stringify(ws.payload)).toContain('introspection');
    });

    it('hides field suggestions, as HTTP does', async () => {
      const query = '{ gongUserz { id } }';
      const http = await overHttp(query);
      expect(http.errors?.[0]?.message).not.toMatch(/Did you mean/);
      const ws = await wsOperation(gw.wsUrl, query, auth);
      expect(ws.type).toBe('error');
      const messages = (ws.payload as { message: string }[]).map((e) => e.message);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.join(' ')).toMatch(/Cannot query field "gongUserz"/);
      expect(messages.join(' ')).not.toMatch(/Did you mean/);
    });
  });

  describe('the lifetime of the credential', () => {
    const acked = async (authorization: string) => {
      const s = rawWebSocket(gw.wsUrl);
      await s.opened;
      s.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
      await new Promise<void>((resolve) => s.ws.once('message', () => resolve()));
      expect(s.messages).toEqual([{ type: 'connection_ack' }]);
      s.ws.send(
        JSON.stringify({
          id: 's',
          type: 'subscribe',
          payload: { query: 'subscription { gongCallCreated { eventId } }' },
        }),
      );
      return s;
    };

    it('closes a JWT socket with 4401 when the JWT expires, and leaves an API-key socket open', async () => {
      const jwt = await clientJwt(SECRET, { conn: 'default' }, 2);
      const byJwt = await acked(`Bearer ${jwt}`);
      const byKey = await acked(`Bearer ${KEY}`);
      const closed = await byJwt.closed;
      expect(closed.code).toBe(4401);
      expect(closed.reason).toMatch(/expired/);
      expect(byKey.ws.readyState).toBe(byKey.ws.OPEN);
      byKey.ws.close();
    });
  });

  describe('browser origins', () => {
    it('refuses an upgrade from an origin outside CORS_ORIGINS', async () => {
      await expect(
        rawWebSocket(gw.wsUrl, { origin: 'https://evil.example.net' }).opened,
      ).rejects.toThrow(/upgrade refused with 401/);
    });

    it('accepts a listed origin and clients without Origin', async () => {
      for (const headers of [{ origin: 'https://app.example.com' }, {}] as Record<
        string,
        string
      >[]) {
        const s = rawWebSocket(gw.wsUrl, headers);
        await s.opened;
        s.ws.close();
      }
    });
  });
});
