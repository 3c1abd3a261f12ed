/** GraphQL over WebSocket (attached by createGateway) applies the same client auth as HTTP: connection_init params. */
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { clientJwt } from '../support/client-jwt.js';

const SECRET = 'ws-jwt-secret-with-at-least-32-characters';
const jwt = (conn: string) => clientJwt(SECRET, { conn });

describe('WebSocket client auth', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      sandbox: { users: 3, calls: 5 },
      env: { GATEWAY_JWT_SECRET: SECRET, GATEWAY_API_KEYS: 'k' },
    });
  });
  afterAll(() => gw?.close());

  /** Runs one query; resolves with its result or the socket's close code. */
  function run(
    params: Record<string, unknown>,
    query: string,
  ): Promise<{ data?: unknown; errors?: unknown; closed?: number }> {
    return new Promise((resolve) => {
      const client: Client = createClient({
        url: gw.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: params,
        retryAttempts: 0,
        lazy: true,
        on: { closed: (e) => resolve({ closed: (e as { code: number }).code }) },
      });
      client.subscribe(
        { query },
        {
          next: (r) => {
            resolve(r);
            void client.dispose();
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    });
  }

  it('accepts a tenant JWT on its own connection', async () => {
    const r = await run(
      { authorization: `Bearer ${await jwt('acme')}` },
      '{ gongConnection(ref: "acme") { ref } }',
    );
    expect(r).toEqual({ data: { gongConnection: null } });
  });

  it('closes 4403 when a tenant JWT asks for another connection, 4401 without credentials', async () => {
    expect(
      await run(
        { authorization: `Bearer ${await jwt('acme')}`, 'x-gong-connection': 'globex' },
        '{ gongConnection(ref: "acme") { ref } }',
      ),
    ).toEqual({ closed: 4403 });
    expect(await run({}, '{ gongConnection(ref: "acme") { ref } }')).toEqual({ closed: 4401 });
    expect(await run({ token: 'k' }, '{ gongConnection(ref: "acme") { ref } }')).toEqual({
      closed: 4401,
    });
  });
});
