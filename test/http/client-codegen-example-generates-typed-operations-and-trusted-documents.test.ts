/**
 * The client codegen example (examples/client-codegen/codegen.yml: client preset, strictScalars,
 * every scalar mapped, persisted documents) run as the docs say, from the repository root
 * (`npm run codegen:example`), through the real graphql-codegen CLI: it generates typed documents
 * from the printed schema and a `persisted-documents.json` that the trusted-documents step takes
 * as it is: each document by its `documentId` (the hash the generated code carries) and by APQ's
 * sha256, anything else refused in trusted-only mode.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadTrustedDocuments,
  resolveDocument,
  type TrustedDocuments,
} from '../../src/graphql/trusted-documents.js';
import { printedSchema } from '../../scripts/print-schema.js';

const root = new URL('../../', import.meta.url).pathname;
// A copy of the repository's layout inside node_modules, so that the CLI resolves its preset
// from the project's dependencies and nothing is written into the working tree.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(join(root, 'node_modules/.cache/client-codegen-'));
const example = 'examples/client-codegen';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let generated: string;
let manifest: Record<string, string>;
beforeAll(() => {
  mkdirSync(join(dir, example), { recursive: true });
  for (const f of ['codegen.yml', 'operations.graphql'])
    copyFileSync(join(root, example, f), join(dir, example, f));
  // What `npm run codegen:example` does: print the schema, then run the CLI from the root.
  const script = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts['codegen:example'];
  expect(script).toBe(
    `tsx scripts/print-schema.ts && graphql-codegen --config ${example}/codegen.yml`,
  );
  writeFileSync(join(dir, 'schema.graphql'), printedSchema());
  const r = spawnSync(
    join(root, 'node_modules/.bin/graphql-codegen'),
    ['--config', `${example}/codegen.yml`],
    { cwd: dir, encoding: 'utf8' },
  );
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  generated = readFileSync(join(dir, example, 'generated/graphql.ts'), 'utf8');
  manifest = JSON.parse(
    readFileSync(join(dir, example, 'generated/persisted-documents.json'), 'utf8'),
  ) as Record<string, string>;
});

describe('client codegen example', () => {
  it('generates typed operations from the printed schema', () => {
    // DateTime mapped to string; the operations typed from the schema.
    expect(generated).toMatch(
      /export type RecentCallsQuery = .*started: string \| null.*trackerId: string \| null/,
    );
    expect(generated).toMatch(/export type CallCreatedSubscription = .*receivedAt: string/);
  });

  it("its persisted-documents.json is the gateway's manifest of trusted documents", () => {
    const trusted: TrustedDocuments = loadTrustedDocuments(
      join(dir, example, 'generated/persisted-documents.json'),
    );
    expect(trusted.size).toBe(2);
    const only = { documents: trusted, onlyTrusted: true };
    for (const [hash, document] of Object.entries(manifest)) {
      // The generated code names each document by this hash: what a client sends as documentId.
      expect(generated).toContain(`"hash":"${hash}"`);
      expect(resolveDocument({ documentId: hash }, only)).toMatchObject({
        kind: 'document',
        query: document,
      });
      const sha256 = hash.replace(/^sha256:/, '');
      expect(
        resolveDocument(
          { extensions: { persistedQuery: { version: 1, sha256Hash: sha256 } } },
          only,
        ),
      ).toMatchObject({ kind: 'document', query: document });
      // The full text of a trusted document is that document.
      expect(resolveDocument({ query: document }, only)).toEqual({
        kind: 'document',
        query: document,
      });
    }
    const other = resolveDocument({ query: '{ gongWorkspaces { id } }' }, only);
    expect(other.kind === 'refused' && other.error.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});
