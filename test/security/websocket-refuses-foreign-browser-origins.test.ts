/**
 * With CORS_ORIGINS set, a page on another origin could still open a WebSocket (browsers do not
 * apply CORS to upgrades). Upgrades whose Origin is not listed are now refused; clients that send
 * no Origin (servers, CLIs) are not browsers and are let through to authenticate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import { startEventGateway, startEventSandbox, type EventGateway } from '../events/gateway-harness.js';
import { rawWebSocket } from './support.js';

describe('WebSocket upgrades and Origin', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, { GATEWAY_API_KEYS: 'origin-key', CORS_ORIGINS: 'https://app.example.com' });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it('refuses an upgrade from an origin outside CORS_ORIGINS', async () => {
    await expect(rawWebSocket(gw.wsUrl, { origin: 'https://evil.example.net' }).opened).rejects.toThrow(/upgrade refused with 401/);
  });

  it('accepts a listed origin and clients without Origin', async () => {
    for (const headers of [{ origin: 'https://app.example.com' }, {}] as Record<string, string>[]) {
      const s = rawWebSocket(gw.wsUrl, headers);
      await s.opened;
      s.ws.close();
    }
  });
});
