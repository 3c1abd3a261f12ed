/** The HTTP edge: health, unknown routes, methods, body limits, GET queries with CSRF prevention. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';

let h: Harness;
let origin: string;
beforeAll(async () => {
  h = await startHarness({ deps: () => ({ maxGraphQLBodyBytes: 2048 }) });
  origin = h.gateway.url.replace(/\/graphql$/, '');
});
afterAll(() => h.close());

describe('http routes', () => {
  it('GET /healthz answers 200 JSON', async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('an unknown route is 404 JSON with code NOT_FOUND and a request id header', async () => {
    const res = await fetch(`${origin}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('a method the route does not serve is 405 JSON', async () => {
    const res = await fetch(h.gateway.url, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
  });

  it('a GraphQL body above the limit is 413 JSON', async () => {
    const res = await fetch(h.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(5000)}` }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', limit: 2048 } });
  });

  it('invalid JSON is 400 with a GraphQL-shaped error', async () => {
    const res = await fetch(h.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('GET /graphql runs queries without any preflight header and refuses mutations with 405', async () => {
    const url = `${h.gateway.url}?query=${encodeURIComponent('{ gongWorkspaces { id } }')}`;
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(
      ((await ok.json()) as { data: { gongWorkspaces: unknown[] } }).data.gongWorkspaces.length,
    ).toBeGreaterThan(0);
    const mutation = await fetch(
      `${h.gateway.url}?query=${encodeURIComponent('mutation { gongSetWebhookPublicKey(connectionRef: "default", publicKey: "x") }')}`,
    );
    expect(mutation.status).toBe(405);
  });

  it('a malformed Gong answer is UPSTREAM_SCHEMA_MISMATCH, without the zod issues or a stack', async () => {
    h.sandbox.control.addFault({
      pathPrefix: '/v2/workspaces',
      count: 1,
      kind: { type: 'malformed' },
    });
    const r = await h.gql('{ gongWorkspaces { id } }');
    expect(r.errors?.[0]?.extensions?.code).toBe('UPSTREAM_SCHEMA_MISMATCH');
    expect(JSON.stringify(r)).not.toMatch(/ at |stack/);
  });
});
