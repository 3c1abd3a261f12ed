/**
 * `/metrics` labels series by connection ref, so it told anyone which tenants exist. With
 * METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';

const TOKEN = 'metrics-token-0123456789';

describe('/metrics with METRICS_TOKEN', () => {
  let sandbox: Sandbox;
  let gateway: Gateway;
  let origin: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false, users: 5, calls: 10 });
    gateway = await createGateway(
      loadConfig({
        READ_MODEL: 'off',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        GATEWAY_API_KEYS: 'm-key',
        METRICS_TOKEN: TOKEN,
      }),
      { sandbox, logger: silentLogger() },
    );
    origin = new URL(gateway.url).origin;
    // A query so that a series carries the connection ref.
    await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer m-key' },
      body: JSON.stringify({ query: '{ gongWorkspaces { id } }' }),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

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
