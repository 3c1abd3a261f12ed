/**
 * Request smuggling through `/proxy`: node:http sends the body of a GET or DELETE unframed, so a
 * body holding a partial HTTP request was parsed by Gong as the start of the next request on a
 * keep-alive socket shared by every connection, and swallowed that request with its Authorization.
 * Here "Gong" is the sandbox behind a TCP relay that records each upstream connection's bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  GATEWAY_TEST_ENV,
  SANDBOX_TEST_OPTIONS,
  startGateway,
  type StartedGateway,
} from '../support/gateway.js';
import { chunked, rawRequest, startRelay, type Relay } from './support.js';

const KEY = 'smuggling-test-key';
const SMUGGLED = `GET /v2/workspaces HTTP/1.1\r\nHost: gong\r\nX-Swallow-Next: `;

describe('the proxy and request smuggling', () => {
  let sandbox: Sandbox;
  let relay: Relay;
  let gw: StartedGateway;
  let gateway: Gateway;
  let port: number;

  beforeAll(async () => {
    sandbox = await startSandbox({
      ...SANDBOX_TEST_OPTIONS,
      users: 5,
      calls: 10,
      processingDelayMs: 0,
    });
    relay = await startRelay(sandbox.url);
    // Gong is the sandbox behind the relay, reached in access-key mode like a real deployment's.
    gw = await startGateway({
      sandbox: false,
      env: {
        GONG_ACCESS_KEY: sandbox.accessKey,
        GONG_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
        GONG_API_BASE_URL: relay.url,
        GATEWAY_API_KEYS: KEY,
      },
    });
    gateway = gw.gateway;
    port = gateway.port;
  });
  afterAll(async () => {
    await gw?.close();
    await relay?.close();
    await sandbox?.close();
  });

  const head = (method: string, path: string, extra: string) =>
    `${method} ${path} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${KEY}\r\nConnection: close\r\n${extra}\r\n`;

  it.each(['GET', 'DELETE'])(
    'a chunked body on %s is refused with 400 and no byte goes upstream',
    async (method) => {
      sandbox.control.resetLog();
      const before = relay.connections.length;
      const a = await rawRequest(
        port,
        head(method, '/proxy/v2/users', 'Transfer-Encoding: chunked\r\n') + chunked(SMUGGLED),
      );
      a.socket.destroy();
      expect(a.status).toBe(400);
      expect(JSON.parse(a.body)).toMatchObject({
        error: { code: 'BAD_USER_INPUT', field: 'body' },
      });
      expect(relay.connections.length).toBe(before);
      expect(sandbox.control.requestLog()).toEqual([]);
    },
  );

  it('a content-length body on DELETE is refused with 400 and no byte goes upstream', async () => {
    sandbox.control.resetLog();
    const before = relay.connections.length;
    const a = await rawRequest(
      port,
      head('DELETE', '/proxy/v2/calls/1', `Content-Length: ${SMUGGLED.length}\r\n`) + SMUGGLED,
    );
    a.socket.destroy();
    expect(a.status).toBe(400);
    expect(relay.connections.length).toBe(before);
    expect(sandbox.control.requestLog()).toEqual([]);
  });

  it('a streamed body goes upstream chunk-framed on its own socket, never reused by the next request', async () => {
    sandbox.control.resetLog();
    const before = relay.connections.length;
    const body = JSON.stringify({
      filter: { callIds: [sandbox.control.allCalls()[0]!.metaData.id] },
    });
    for (let i = 0; i < 2; i++) {
      const a = await rawRequest(
        port,
        head(
          'POST',
          '/proxy/v2/calls/extensive',
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n',
        ) + chunked(body),
      );
      a.socket.destroy();
      expect(a.status).toBe(200);
    }
    const mine = relay.connections.slice(before);
    // One upstream connection per streamed request, each carrying exactly one framed request.
    expect(mine).toHaveLength(2);
    for (const c of mine) {
      expect(c.sent.match(/^POST \/v2\/calls\/extensive HTTP\/1\.1/gm)).toHaveLength(1);
      expect(c.sent.toLowerCase()).toContain('transfer-encoding: chunked');
    }
    expect(sandbox.control.requestLog().map((e) => e.endpoint)).toEqual([
      'POST /v2/calls/extensive',
      'POST /v2/calls/extensive',
    ]);
  });

  it('client-caused refusals never trip the breaker nor spend the budget', async () => {
    sandbox.control.resetLog();
    for (let i = 0; i < 10; i++) {
      const a = await rawRequest(
        port,
        head('GET', '/proxy/v2/users', 'Transfer-Encoding: chunked\r\n') + chunked('{}'),
      );
      a.socket.destroy();
      expect(a.status).toBe(400);
    }
    expect(gateway.clients.stats('default').breaker).toBe('closed');
    const before = (await gateway.metrics.dailyBudgetRemaining.get()).values.find(
      (v) => v.labels.connection === 'default',
    )?.value;
    const ok = await fetch(`http://127.0.0.1:${port}/proxy/v2/users`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(ok.status).toBe(200);
    const after = (await gateway.metrics.dailyBudgetRemaining.get()).values.find(
      (v) => v.labels.connection === 'default',
    )?.value;
    // Exactly one unit for the one request that reached Gong.
    const budget = Number(GATEWAY_TEST_ENV.GONG_DAILY_BUDGET);
    expect(before === undefined ? budget - 1 : before - 1).toBe(after);
    expect(sandbox.control.requestLog().map((e) => e.endpoint)).toEqual(['GET /v2/users']);
  });
});
