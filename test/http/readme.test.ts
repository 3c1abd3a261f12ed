/**
 * The README cannot drift: its first query runs against the sandbox, and its configuration
 * table equals the one generated from src/config/config.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configTable } from '../../src/config/config.js';
import { startHarness, type Harness } from '../read/harness.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('README', () => {
  it('its first query answers against the sandbox', async () => {
    const query = /```graphql\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(query).toBeDefined();
    const r = await h.gql<{
      gongCalls: {
        totalCount: number;
        nodes: { id: string; primaryUser: unknown; workspace: unknown; parties: unknown[] }[];
      };
    }>(query as string);
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongCalls.totalCount).toBeGreaterThan(0);
    expect(r.data?.gongCalls.nodes).toHaveLength(3);
    for (const n of r.data?.gongCalls.nodes ?? []) {
      expect(n.primaryUser).not.toBeNull();
      expect(n.workspace).not.toBeNull();
      expect(n.parties.length).toBeGreaterThan(0);
    }
  });

  it('its configuration table equals configTable()', () => {
    const table = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(
      readme,
    )?.[1];
    expect(table).toBe(configTable());
  });
});
