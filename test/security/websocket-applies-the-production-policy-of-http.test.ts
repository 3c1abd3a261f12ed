/**
 * Over graphql-ws in production, introspection worked and errors carried field suggestions
 * ("Did you mean ..."), both refused over HTTP. One policy now holds for every transport.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import { startEventGateway, startEventSandbox, type EventGateway } from '../events/gateway-harness.js';
import { wsOperation } from './support.js';

const auth = { authorization: 'Bearer policy-key' };

describe('production policy over WebSocket', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, { NODE_ENV: 'production', GATEWAY_API_KEYS: 'policy-key' });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  const overHttp = async (query: string) => {
    const res = await fetch(`${gw.publicUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query }) });
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
