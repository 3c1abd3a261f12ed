/** Query limits (GraphQL Armor) come from configuration and reject before any upstream request. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '2', NODE_ENV: 'production' },
  });
});
afterAll(() => h.close());

describe('query limits', () => {
  it('rejects a query deeper than GRAPHQL_MAX_DEPTH without asking Gong', async () => {
    h.reset();
    const r = await h.gql('{ gongCalls { nodes { primaryUser { manager { manager { id } } } } } }');
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(h.upstream()).toHaveLength(0);
  });

  it('rejects more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const r = await h.gql(
      '{ a: gongWorkspaces { id } b: gongWorkspaces { id } c: gongWorkspaces { id } }',
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('hides field suggestions and introspection in production', async () => {
    const r = await h.gql('{ gongCallz { id } }');
    expect(r.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const i = await h.gql('{ __schema { types { name } } }');
    expect(i.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
