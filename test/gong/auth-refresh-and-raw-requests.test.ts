import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRegistry } from '../../src/connections/types.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { accessKeyRegistry, makeClients, rejectionOf } from './support/clients.js';

/** A registry whose credentials are stale until a forced refresh (like an OAuth token revoked early). */
function staleUntilRefresh(
  sb: Sandbox,
  opts: { refreshHelps: boolean },
): ConnectionRegistry & { refreshes: number } {
  const real = accessKeyRegistry(sb);
  const bad = `Basic ${Buffer.from('wrong:credentials').toString('base64')}`;
  let fresh = false;
  const reg = {
    refreshes: 0,
    get: (ref: string) => real.get(ref),
    list: () => real.list(),
    async authorization(ref: string, o?: { forceRefresh?: boolean }) {
      if (o?.forceRefresh) {
        reg.refreshes += 1;
        fresh = opts.refreshHelps;
      }
      return fresh ? real.authorization(ref) : bad;
    },
  };
  return reg;
}

describe('credentials and raw requests', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ rateLimit: false, users: 10, calls: 20 });
  });
  afterAll(() => sb.close());

  it('refreshes the credentials once after a 401 and succeeds', async () => {
    const registry = staleUntilRefresh(sb, { refreshHelps: true });
    const clients = makeClients(sb, { registry, limits: { perSecond: 50 } });
    sb.control.resetLog();
    expect((await clients.client('default').listWorkspaces()).length).toBeGreaterThan(0);
    expect(registry.refreshes).toBe(1);
    expect(sb.control.requestLog().map((e) => e.status)).toEqual([401, 200]);
    await clients.close();
  });

  it('answers UNAUTHENTICATED when Gong rejects the refreshed credentials too', async () => {
    const registry = staleUntilRefresh(sb, { refreshHelps: false });
    const clients = makeClients(sb, { registry, limits: { perSecond: 50 } });
    sb.control.resetLog();
    const e = await rejectionOf(clients.client('default').listWorkspaces());
    expect(e.code).toBe('UNAUTHENTICATED');
    expect(e.message).toMatch(/rejected the connection's credentials/);
    expect(registry.refreshes).toBe(1);
    expect(sb.control.requestLog().map((e) => e.status)).toEqual([401, 401]);
    await clients.close();
  });

  it('passes a raw request through under the same budget, retrying a 503 before the first byte', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 50 } });
    sb.control.resetLog();
    sb.control.addFault({
      pathPrefix: '/v2/workspaces',
      kind: { type: 'status', status: 503 },
      count: 1,
    });
    const res = await clients.transport('default').requestRaw({
      method: 'GET',
      path: '/v2/workspaces',
      endpoint: 'proxy',
      headers: { authorization: 'Bearer not-forwarded' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/json/);
    const body = JSON.parse(await new Response(res.body).text()) as { workspaces: unknown[] };
    expect(body.workspaces.length).toBeGreaterThan(0);
    expect(sb.control.requestLog().map((e) => [e.status, e.auth])).toEqual([
      [503, 'basic'],
      [200, 'basic'],
    ]);
    await clients.close();
  });

  it('sends a streamed body once and never retries it', async () => {
    const clients = makeClients(sb, { limits: { perSecond: 50 } });
    const gong = clients.client('default');
    const users = (await gong.listUsers()).items;
    const { callId } = await gong.createCall({
      clientUniqueId: `raw-${Date.now()}`,
      actualStart: new Date(Date.now() - 60_000).toISOString(),
      parties: [{ userId: users[0]!.id }],
      direction: 'Inbound',
      primaryUser: users[0]!.id,
    });
    const boundary = 'gg-test-boundary';
    const multipart = [
      `--${boundary}\r\nContent-Disposition: form-data; name="mediaFile"; filename="a.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`,
      Buffer.alloc(4096, 1),
      `\r\n--${boundary}--\r\n`,
    ];
    sb.control.resetLog();
    sb.control.addFault({
      pathPrefix: `/v2/calls/${callId}/media`,
      kind: { type: 'status', status: 503 },
      count: 1,
    });
    const upload = () =>
      clients.transport('default').requestRaw({
        method: 'PUT',
        path: `/v2/calls/${callId}/media`,
        endpoint: 'calls.media',
        scope: 'api:calls:create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: Readable.from(multipart.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))),
        idempotent: true,
      });
    const failed = await upload();
    expect(failed.status).toBe(503);
    await failed.body?.cancel();
    expect(sb.control.requestLog().length).toBe(1);
    const ok = await upload();
    expect(ok.status).toBe(201);
    expect(JSON.parse(await new Response(ok.body).text())).toMatchObject({ callId });
    await clients.close();
  });
});
