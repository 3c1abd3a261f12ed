/**
 * A browser opening `/graphql`: in development GraphiQL's page and files come from the gateway
 * itself (node_modules, no CDN) with the README's first query and subscription in its tabs; in
 * production a short page says what the endpoint is and no explorer files are served. (The page
 * running in a real browser: test/browser/.)
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPLORER_TABS } from '../../src/http/explorer.js';
import { startHarness, type Harness } from '../read/harness.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
const visit = (url: string) =>
  fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' } });

describe('explorer', () => {
  let dev: Harness;
  let prod: Harness;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([
      startHarness({ sandbox: { calls: 5 } }),
      startHarness({ sandbox: { calls: 5 }, env: { NODE_ENV: 'production' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([dev?.close(), prod?.close()]);
  });

  it("its tabs are the README's first query and subscription", () => {
    expect(EXPLORER_TABS.map((t) => t.query)).toEqual([
      blocks[0],
      blocks.find((b) => b?.startsWith('subscription')),
    ]);
  });

  it('in development serves GraphiQL and every file it loads from the gateway itself', async () => {
    const res = await visit(dev.gateway.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(srcs.length).toBe(5);
    for (const src of srcs) {
      expect(src.startsWith('/explorer/'), src).toBe(true);
      const file = await fetch(new URL(src, dev.gateway.url));
      expect(file.status, src).toBe(200);
    }
  });

  it('in production answers a short page naming the endpoint, and no explorer files', async () => {
    const res = await visit(prod.gateway.url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('GraphQL endpoint');
    expect(html).not.toContain('<script');
    expect((await fetch(new URL('/explorer/graphiql.js', prod.gateway.url))).status).toBe(404);
  });
});
