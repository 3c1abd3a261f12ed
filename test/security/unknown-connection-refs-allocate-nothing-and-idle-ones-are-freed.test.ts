/**
 * Memory exhaustion through `x-gong-connection`: a scheduler, breaker and transport used to be
 * built for every ref a client named, known or not, and never freed (40,000 refs: +760 MB).
 * Unknown refs must be refused before anything is allocated; known ones are freed when idle or
 * once found disconnected.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connection, ConnectionRegistry } from '../../src/connections/types.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { accessKeyRegistry, makeClients } from '../gong/support/clients.js';
import { codes, startGateway, type TestGateway } from '../support/gateway.js';

describe('connection refs named by clients', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Open mode over the embedded sandbox: anyone may name any ref.
    gw = await startGateway({ sandbox: { users: 5, calls: 10, processingDelayMs: 0 } });
  });
  afterAll(() => gw?.close());

  it('unknown refs are refused (404 NOT_FOUND) and allocate no scheduler, breaker or transport', async () => {
    for (let i = 0; i < 40; i++) {
      const ref = `attacker-${i}`;
      const read = await gw.gql('{ gongUsers(first: 1) { nodes { id } } }', undefined, {
        'x-gong-connection': ref,
      });
      expect(codes(read)[0]).toBe('NOT_FOUND');
      const proxy = await fetch(`${gw.origin}/proxy/v2/users`, {
        headers: { 'x-gong-connection': ref },
      });
      expect(proxy.status).toBe(404);
    }
    expect(gw.gateway.clients.live()).toEqual([]);
    expect(gw.upstream()).toEqual([]);
    // A known ref gets its objects on first use.
    const ok = await fetch(`${gw.origin}/proxy/v2/users`);
    expect(ok.status).toBe(200);
    expect(gw.gateway.clients.live()).toEqual(['default']);
  });
});

describe('objects of known connections', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false, users: 5, calls: 10, processingDelayMs: 0 });
  });
  afterAll(() => sandbox?.close());

  it('are freed when idle and when the connection is found disconnected', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] });
    let clock = Date.now();
    const basic = accessKeyRegistry(sandbox);
    const at = new Date().toISOString();
    const conns = new Map<string, Connection>(
      ['a', 'b'].map((ref) => [
        ref,
        {
          ref,
          authKind: 'OAUTH',
          baseUrl: sandbox.url,
          scopes: null,
          status: 'ACTIVE',
          createdAt: at,
          updatedAt: at,
        },
      ]),
    );
    const registry: ConnectionRegistry = {
      get: (ref) => Promise.resolve(conns.get(ref) ?? null),
      list: () => Promise.resolve([...conns.values()]),
      authorization: () => basic.authorization('default'),
    };
    const clients = makeClients(sandbox, { registry, now: () => clock, idleEvictMs: 60_000 });
    try {
      await clients.client('a').listWorkspaces();
      await clients.client('b').listWorkspaces();
      expect(clients.live().sort()).toEqual(['a', 'b']);

      // 'b' is disconnected: its next request is refused and frees its objects.
      conns.set('b', { ...conns.get('b')!, status: 'REVOKED' });
      await expect(clients.client('b').listWorkspaces()).rejects.toMatchObject({
        code: 'RECONNECT_REQUIRED',
      });
      expect(clients.live()).toEqual(['a']);

      // 'a' is idle past idleEvictMs: the sweep frees it; it is rebuilt on its next use.
      clock += 60_000;
      vi.advanceTimersByTime(60_000);
      expect(clients.live()).toEqual([]);
      await clients.client('a').listWorkspaces();
      expect(clients.live()).toEqual(['a']);
    } finally {
      vi.useRealTimers();
      await clients.close();
    }
  });
});
