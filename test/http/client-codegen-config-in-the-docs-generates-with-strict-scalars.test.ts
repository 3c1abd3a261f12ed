/**
 * The client codegen setup the docs give (examples/client-codegen/codegen.yml: client preset,
 * strictScalars, every scalar mapped, federation scalars included) generates typed documents
 * from the printed schema (`npm run schema:print`), through the real graphql-codegen CLI.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printedSchema } from '../../scripts/print-schema.js';

const root = new URL('../../', import.meta.url).pathname;
// Inside node_modules so that the CLI resolves its preset from the project's dependencies.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(join(root, 'node_modules/.cache/client-codegen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('client codegen', () => {
  it('the documented codegen.yml generates typed operations from the printed schema', () => {
    for (const f of ['codegen.yml', 'operations.graphql'])
      copyFileSync(join(root, 'examples/client-codegen', f), join(dir, f));
    writeFileSync(join(dir, 'schema.graphql'), printedSchema());
    const r = spawnSync(
      join(root, 'node_modules/.bin/graphql-codegen'),
      ['--config', 'codegen.yml'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = readFileSync(join(dir, 'generated/graphql.ts'), 'utf8');
    // DateTime mapped to string; the operations typed from the schema.
    expect(out).toMatch(
      /export type RecentCallsQuery = .*started: string \| null.*trackerId: string \| null/,
    );
    expect(out).toMatch(/export type CallCreatedSubscription = .*receivedAt: string/);
  });
});
