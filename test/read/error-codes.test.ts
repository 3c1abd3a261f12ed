/**
 * Every failure reaches clients as a GraphQL error with `extensions.code` and client-safe
 * details, never a stack trace or a credential.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKeyRegistry } from '../../src/connections/access-key.js';
import type { ConnectionRegistry } from '../../src/connections/types.js';
import { codes, startHarness, type GraphQLResponse, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.control.clearFaults());

/** No stack, no secrets, nothing but message/locations/path/extensions. */
function expectSafe(r: GraphQLResponse): void {
  const text = JSON.stringify(r);
  expect(text).not.toMatch(
    /stacktrace| {4}at |node_modules|sandbox-access-key-secret|Basic [A-Za-z0-9+/=]{8,}/,
  );
  for (const e of r.errors ?? [])
    expect(
      Object.keys(e).every((k) => ['message', 'locations', 'path', 'extensions'].includes(k)),
    ).toBe(true);
}

describe('BAD_USER_INPUT', () => {
  it('first > 100 and first < 1', async () => {
    for (const q of [
      '{ gongCalls(first: 101) { totalCount } }',
      '{ gongUsers(first: 0) { totalCount } }',
      '{ gongCallsSync(first: 500) { hasMore } }',
    ]) {
      const r = await h.gql(q);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.message).toMatch(/from 1 to 100, but got/);
      expectSafe(r);
    }
  });

  it('a bad DateTime, as a literal and as a variable', async () => {
    const lit = await h.gql('{ gongCalls(filter: { from: "yesterday" }) { totalCount } }');
    expect(codes(lit)).toEqual(['BAD_USER_INPUT']);
    expect(lit.errors?.[0]?.message).toContain('"yesterday"');
    const v = await h.gql(
      'query($f: DateTime) { gongCalls(filter: { from: $f }) { totalCount } }',
      { f: '2024-13-45' },
    );
    expect(codes(v)).toEqual(['BAD_USER_INPUT']);
    expectSafe(v);
  });

  it('from after to, a bad id, an `after` that does not decode', async () => {
    expect(
      codes(
        await h.gql(
          '{ gongCalls(filter: { from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z" }) { totalCount } }',
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(codes(await h.gql('{ gongCall(id: "abc") { id } }'))).toEqual(['BAD_USER_INPUT']);
    const r = await h.gql('{ gongUsers(after: "not-a-cursor") { totalCount } }');
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors?.[0]?.extensions?.field).toBe('after');
  });
});

describe('upstream failures', () => {
  it('NOT_FOUND from Gong becomes null for by-id reads and "No calls found" an empty page', async () => {
    const r = await h.gql(
      '{ gongCall(id: "123") { id } gongCalls(filter: { from: "2001-01-01T00:00:00Z", to: "2001-01-02T00:00:00Z" }) { totalCount nodes { id } pageInfo { hasNextPage } } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      gongCall: null,
      gongCalls: { totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } },
    });
  });

  it("UPSTREAM_ERROR carries Gong's requestId", async () => {
    h.sandbox.control.addFault({
      pathPrefix: '/v2/workspaces',
      kind: { type: 'status', status: 500 },
    });
    const r = await h.gql('{ gongWorkspaces { id } }');
    expect(codes(r)).toEqual(['UPSTREAM_ERROR']);
    expect(typeof r.errors?.[0]?.extensions?.requestId).toBe('string');
    expectSafe(r);
  });

  it('UPSTREAM_RATE_LIMITED carries retryAfter seconds', async () => {
    h.sandbox.control.addFault({
      pathPrefix: '/v2/users',
      count: 1,
      kind: { type: 'status', status: 429, retryAfterSeconds: 1 },
    });
    const r = await h.gql('{ gongUsers(first: 1) { totalCount } }');
    expect(codes(r)).toEqual(['UPSTREAM_RATE_LIMITED']);
    expect(r.errors?.[0]?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    expectSafe(r);
  });
});

async function withRegistry(
  registry: (sandboxUrl: string) => ConnectionRegistry,
  run: (g: Harness) => Promise<void>,
): Promise<void> {
  const other = await startHarness({ deps: (sandbox) => ({ registry: registry(sandbox.url) }) });
  try {
    await run(other);
  } finally {
    await other.close();
  }
}

describe('credentials and scopes', () => {
  it("UNAUTHENTICATED when Gong rejects the connection's credentials", async () => {
    await withRegistry(
      (url) =>
        createAccessKeyRegistry({
          baseUrl: url,
          accessKey: 'wrong',
          accessKeySecret: 'wrong-secret',
        }),
      async (g) => {
        const r = await g.gql('{ gongWorkspaces { id } }');
        expect(codes(r)).toEqual(['UNAUTHENTICATED']);
        expectSafe(r);
        expect(JSON.stringify(r)).not.toContain('wrong-secret');
      },
    );
  });

  it('FORBIDDEN names the Gong scope a connection was not granted', async () => {
    await withRegistry(
      (url) => {
        const inner = createAccessKeyRegistry({
          baseUrl: url,
          accessKey: 'sandbox-access-key',
          accessKeySecret: 'sandbox-access-key-secret',
        });
        return {
          ...inner,
          get: async (ref) => {
            const c = await inner.get(ref);
            return c && { ...c, authKind: 'OAUTH', scopes: ['api:users:read'] };
          },
        };
      },
      async (g) => {
        const r = await g.gql('{ gongUsers(first: 1) { totalCount } gongWorkspaces { id } }');
        expect(codes(r)).toEqual(['FORBIDDEN']);
        expect(r.errors?.[0]?.extensions?.scope).toBe('api:workspaces:read');
        expect(r.errors?.[0]?.message).toContain('api:workspaces:read');
      },
    );
  });

  it('UNAUTHENTICATED (HTTP 401) when client auth is configured and no credential is sent', async () => {
    const g = await startHarness({ env: { GATEWAY_API_KEYS: 'k-123456789' } });
    try {
      const r = await g.gql('{ gongWorkspaces { id } }');
      expect(r.status).toBe(401);
      expect(codes(r)).toEqual(['UNAUTHENTICATED']);
      const ok = await g.gql('{ gongWorkspaces { id } }', undefined, {
        authorization: 'Bearer k-123456789',
      });
      expect(ok.errors).toBeUndefined();
    } finally {
      await g.close();
    }
  });
});

describe('expired Gong cursors', () => {
  it('a page cursor Gong no longer accepts is BAD_USER_INPUT telling to restart from the first page', async () => {
    let clock = Date.now();
    const g = await startHarness({
      sandbox: { users: 150, now: () => clock, cursorTtlMs: 60_000 },
    });
    try {
      const first = await g.gql<{
        gongUsers: { pageInfo: { hasNextPage: boolean; endCursor: string } };
      }>('{ gongUsers(first: 100) { pageInfo { hasNextPage endCursor } } }');
      expect(first.data?.gongUsers.pageInfo.hasNextPage).toBe(true);
      clock += 120_000;
      const next = await g.gql(
        'query($a: String) { gongUsers(first: 100, after: $a) { totalCount } }',
        { a: first.data?.gongUsers.pageInfo.endCursor },
      );
      expect(codes(next)).toEqual(['BAD_USER_INPUT']);
      expect(next.errors?.[0]?.message).toMatch(/restart from the first page/);
    } finally {
      await g.close();
    }
  });
});
