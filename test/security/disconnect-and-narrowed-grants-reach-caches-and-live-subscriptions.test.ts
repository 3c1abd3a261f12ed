/**
 * What a connection may read is decided by its current grant, for cached answers and live
 * subscriptions too. The second attack pass found:
 * - after `gongDisconnect(conB)`, the cached call, transcript and users were still served, and
 *   WebSocket and SSE subscriptions still delivered events;
 * - after a reconnect granting only `api:users:read`, a cached transcript was served with no
 *   Gong request.
 * Now a disconnect ends the connection's subscriptions on every transport (RECONNECT_REQUIRED;
 * WebSocket close 4403) and evicts its entity and full-read cache entries, and a cached read is
 * served only when the connection's current grant holds the scope the same read from Gong needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startOAuthGateway, type OAuthGateway } from './oauth-gateway.js';
import { STREAMING, subscribeOver } from './transports.js';

const VIEW = `query ($id: ID!) { gongCall(id: $id, includePrivate: true) { id title parties { name user { id } } transcript { monologues { speakerId } } } }`;

describe('disconnects and narrowed grants', () => {
  let h: OAuthGateway;
  let id: string;
  beforeAll(async () => {
    h = await startOAuthGateway({
      env: { CACHE_MAX_BYTES: String(64 << 20), CACHE_TTL_SECONDS: '300' },
    });
    expect((await h.connect('acme')).status).toBe(200);
    expect((await h.connect('globex')).status).toBe(200);
    id = h.sandbox.control.allCalls()[0]!.metaData.id;
  });
  afterAll(() => h?.close());

  const view = async (conn: string) => {
    h.sandbox.control.resetLog();
    const r = await h.gql(VIEW, await h.asTenant(conn), { id });
    return { r, upstream: h.sandbox.control.counters() };
  };
  /** OAuth again, asking for only `scopes` (no disconnect): the grant narrows. */
  const regrant = async (ref: string, scopes: string[]) => {
    const start = await h.startOAuth({ connectionRef: ref, scopes });
    const url = (start.data?.gongStartOAuth as { authorizationUrl: string }).authorizationUrl;
    const gong = await fetch(url, { redirect: 'manual' });
    const back = await fetch(new URL(gong.headers.get('location')!), { redirect: 'manual' });
    expect(back.status).toBe(200);
    h.advance(2_000); // past the registry's in-process record cache
  };

  it('a narrowed grant is applied to cached reads: the transcript is refused, with no Gong request', async () => {
    expect((await view('globex')).r.errors).toBeUndefined();
    expect((await view('globex')).upstream).toEqual({}); // all cached now
    await regrant('globex', ['api:users:read', 'api:calls:read:extensive']);
    const { r, upstream } = await view('globex');
    expect(upstream).toEqual({});
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(r.errors?.[0]?.extensions?.scope).toBe('api:calls:read:transcript');
    expect((r.errors?.[0] as { path?: unknown } | undefined)?.path).toEqual([
      'gongCall',
      'transcript',
    ]);
    // What the grant still holds is served from the cache.
    expect((r.data?.gongCall as { title: string }).title).toBeTruthy();
  });

  it('gongDisconnect ends the connection subscriptions on every transport and evicts its caches', async () => {
    expect((await view('acme')).r.errors).toBeUndefined();
    const token = await h.asTenant('acme');
    const lives = await Promise.all(
      STREAMING.map(async (t) => ({
        t,
        live: await subscribeOver(
          t,
          h.gateway.url,
          'subscription { gongCallCreated { eventId } }',
          token,
        ),
      })),
    );
    // Another tenant's subscription goes on.
    const other = await subscribeOver(
      'sse-distinct',
      h.gateway.url,
      'subscription { gongCallCreated { eventId } }',
      await h.asTenant('globex'),
    );
    const gone = await h.gql(
      'mutation { gongDisconnect(connectionRef: "acme") { ref status } }',
      token,
    );
    expect(gone.data?.gongDisconnect).toEqual({ ref: 'acme', status: 'REVOKED' });
    for (const { t, live } of lives) {
      const end = await live.ended;
      if (t === 'ws') expect(end.closeCode, t).toBe(4403);
      else
        expect(
          end.errors.map((e) => e.code),
          t,
        ).toEqual(['RECONNECT_REQUIRED']);
    }
    const other1 = await Promise.race([other.ended, Promise.resolve('still open')]);
    expect(other1).toBe('still open');
    other.close();
    // Nothing cached under the old grant is served: the read fails as Gong would refuse it.
    const after = await view('acme');
    expect(codeOf(after.r)).toBe('RECONNECT_REQUIRED');
    expect(after.upstream).toEqual({});
    // Reconnected, it reads from Gong again: the old entries were evicted.
    expect((await h.connect('acme')).status).toBe(200);
    h.advance(2_000);
    const fresh = await view('acme');
    expect(fresh.r.errors).toBeUndefined();
    expect(fresh.upstream).toMatchObject({ 'POST /v2/calls/transcript': 1 });
  });
});
