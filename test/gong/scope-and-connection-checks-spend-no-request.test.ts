import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients, rejectionOf, scopedRegistry } from './support/clients.js';

describe('connection and scope checks', () => {
  let sb: Sandbox;
  let clients: ReturnType<typeof makeClients>;

  beforeAll(async () => {
    sb = await startSandbox({ rateLimit: false, users: 10, calls: 20 });
    clients = makeClients(sb, {
      registry: scopedRegistry(sb, [
        { ref: 'limited', scopes: ['api:users:read'], status: 'ACTIVE' },
        { ref: 'stale', scopes: null, status: 'RECONNECT_REQUIRED' },
      ]),
    });
  });
  afterAll(async () => {
    await clients.close();
    await sb.close();
  });

  it('refuses an endpoint whose scope the connection lacks with FORBIDDEN naming the scope, without an upstream request', async () => {
    const gong = clients.client('limited');
    expect((await gong.listUsers()).items.length).toBeGreaterThan(0); // granted scope works
    const e = await rejectionOf(gong.listWorkspaces());
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details.scope).toBe('api:workspaces:read');
    expect(e.message).toMatch(/api:workspaces:read.*GET \/v2\/workspaces/);
    expect(sb.control.counters()['GET /v2/workspaces'] ?? 0).toBe(0);
    expect(
      (await rejectionOf(gong.transcripts({ filter: { callIds: ['1'] } }))).details.scope,
    ).toBe('api:calls:read:transcript');
    expect(sb.control.counters()['POST /v2/calls/transcript'] ?? 0).toBe(0);
  });

  it('answers NOT_FOUND for an unknown connection and RECONNECT_REQUIRED for one that is not ACTIVE', async () => {
    const before = sb.control.requestLog().length;
    expect((await rejectionOf(clients.client('nope').listWorkspaces())).code).toBe('NOT_FOUND');
    expect((await rejectionOf(clients.client('stale').listWorkspaces())).code).toBe(
      'RECONNECT_REQUIRED',
    );
    expect(sb.control.requestLog().length).toBe(before);
  });
});
