/**
 * `/metrics` labels series by connection ref, so it told anyone which tenants exist. With
 * METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';

const TOKEN = 'metrics-token-0123456789';

describe('/metrics with METRICS_TOKEN', () => {
  let gw: TestGateway;
  let origin: string;
  beforeAll(async () => {
    gw = await startGateway({
      sandbox: { users: 5, calls: 10 },
      env: { GATEWAY_API_KEYS: 'm-key', METRICS_TOKEN: TOKEN },
    });
    origin = gw.origin;
    // A query so that a series carries the connection ref.
    await gw.gql('{ gongWorkspaces { id } }', undefined, { authorization: 'Bearer m-key' });
  });
  afterAll(() => gw?.close());

  it('refuses scrapes without the token, or with another credential, with 401 and no series', async () => {
    for (const authorization of [undefined, 'Bearer m-key', `Bearer ${TOKEN}x`, TOKEN]) {
      const res = await fetch(`${origin}/metrics`, {
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('connection="default"');
    }
  });

  it('serves the series to a scraper with the token', async () => {
    const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('connection="default"');
  });
});
