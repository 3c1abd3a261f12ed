/**
 * The entity cache is a tenant boundary: its keys carry the connection, so a call, transcript or
 * user one connection fetched is never served to another (which asks Gong with its own
 * credentials), a tenant cannot evict the cache, and an admin's eviction of one connection leaves
 * the other's entries alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, asKey, codeOf, startOAuthGateway, type OAuthGateway } from './oauth-gateway.js';

const VIEW = `query ($id: ID!) { gongCall(id: $id, includePrivate: true) { id title parties { name user { id } } transcript { monologues { speakerId } } } }`;

describe('entity cache tenant boundary', () => {
  let h: OAuthGateway;
  let id: string;
  beforeAll(async () => {
    h = await startOAuthGateway({ env: { CACHE_MAX_BYTES: String(64 << 20) } });
    expect((await h.connect('acme')).status).toBe(200);
    expect((await h.connect('globex')).status).toBe(200);
    id = h.sandbox.control.allCalls()[0]!.metaData.id;
  });
  afterAll(() => h?.close());

  const view = async (conn: string) => {
    h.sandbox.control.resetLog();
    const r = await h.gql(VIEW, await h.asTenant(conn), { id });
    expect(r.errors).toBeUndefined();
    expect((r.data?.gongCall as { id: string }).id).toBe(id);
    return h.sandbox.control.counters();
  };
  const everything = {
    'POST /v2/calls/extensive': 1,
    'POST /v2/users/extensive': 1,
    'POST /v2/calls/transcript': 1,
  };

  it("never serves one connection's cached call, transcript or users to another", async () => {
    expect(await view('acme')).toEqual(everything);
    expect(await view('acme')).toEqual({});
    expect(await view('globex')).toEqual(everything);
    expect(await view('globex')).toEqual({});
  });

  it('lets only an admin evict, and only the connection named', async () => {
    const tenant = await h.gql(
      'mutation { gongEvictCache(connectionRef: "globex") }',
      await h.asTenant('acme'),
    );
    expect(codeOf(tenant)).toBe('FORBIDDEN');
    const admin = await h.gql(
      'mutation { gongEvictCache(connectionRef: "acme") }',
      asKey(ADMIN_KEY, 'acme'),
    );
    expect(admin.errors).toBeUndefined();
    expect(await view('globex')).toEqual({});
    expect(await view('acme')).toEqual(everything);
  });
});
