/**
 * Upstream redirects were followed to any host (fetch strips Authorization across origins, but the
 * request and its body still went there). Gong's API does not redirect: a 3xx now comes back as
 * Gong's answer and nothing is sent to the host it names.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../support/gateway.js';

const listen = async (s: Server) => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const a = s.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
};

describe('an upstream redirect', () => {
  let gong: Server;
  let elsewhere: Server;
  let gw: StartedGateway;
  const reachedElsewhere: string[] = [];
  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      reachedElsewhere.push(`${req.method} ${req.url}`);
      res.end('{}');
    });
    const elsewhereUrl = await listen(elsewhere);
    // A misbehaving (or hijacked) upstream that redirects every request to another host.
    gong = createServer((req, res) => {
      req.resume();
      res
        .writeHead(307, {
          location: `${elsewhereUrl}${req.url}`,
          'content-type': 'application/json',
        })
        .end('{}');
    });
    const gongUrl = await listen(gong);
    gw = await startGateway({
      sandbox: false,
      env: {
        GONG_ACCESS_KEY: 'k',
        GONG_ACCESS_KEY_SECRET: 's',
        GONG_API_BASE_URL: gongUrl,
        GATEWAY_API_KEYS: 'r-key',
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await new Promise((r) => gong?.close(r));
    await new Promise((r) => elsewhere?.close(r));
  });

  it('is not followed, for GraphQL reads nor for the proxy', async () => {
    const read = await gw.gql('{ gongWorkspaces { id } }', undefined, {
      authorization: 'Bearer r-key',
    });
    expect(read.errors?.length).toBeGreaterThan(0);
    const proxied = await fetch(`${gw.origin}/proxy/v2/calls/extensive`, {
      method: 'POST',
      headers: { authorization: 'Bearer r-key', 'content-type': 'application/json' },
      body: JSON.stringify({ filter: {} }),
      redirect: 'manual',
    });
    expect(proxied.status).toBe(307);
    expect(reachedElsewhere).toEqual([]);
  });
});
