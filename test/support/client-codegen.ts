/**
 * The client codegen example (examples/client-codegen) generated the way the docs say, from the
 * repository root (`npm run codegen:example`), through the real graphql-codegen CLI: its typed
 * documents and the client preset's `persisted-documents.json`, the manifest of trusted documents.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printedSchema } from '../../scripts/print-schema.js';

export const EXAMPLE = 'examples/client-codegen';

export interface ClientCodegenOutput {
  /** generated/graphql.ts: the typed documents, each carrying `__meta__.hash`. */
  generated: string;
  /** generated/persisted-documents.json, parsed: hash → document. */
  manifest: Record<string, string>;
  /** Where persisted-documents.json is (PERSISTED_DOCUMENTS_PATH). */
  manifestPath: string;
  /** The hash the generated code gives the operation named `name` (what a client sends). */
  hashOf(name: string): string;
  remove(): void;
}

const root = new URL('../../', import.meta.url).pathname;

/** The script the docs name, which this runs step by step. */
export const codegenExampleScript = (): string | undefined =>
  (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts['codegen:example'];

/**
 * Runs the example in a copy of the repository's layout inside node_modules, so that the CLI
 * resolves its preset from the project's dependencies and nothing is written into the working
 * tree. Takes about 3 s (the CLI's start-up).
 */
export function generateClientCodegenExample(): ClientCodegenOutput {
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, 'node_modules/.cache/client-codegen-'));
  mkdirSync(join(dir, EXAMPLE), { recursive: true });
  for (const f of ['codegen.yml', 'operations.graphql'])
    copyFileSync(join(root, EXAMPLE, f), join(dir, EXAMPLE, f));
  // What `npm run codegen:example` does: print the schema, then run the CLI from the root.
  writeFileSync(join(dir, 'schema.graphql'), printedSchema());
  const r = spawnSync(
    join(root, 'node_modules/.bin/graphql-codegen'),
    ['--config', `${EXAMPLE}/codegen.yml`],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`graphql-codegen failed:\n${r.stdout}\n${r.stderr}`);
  const generated = readFileSync(join(dir, EXAMPLE, 'generated/graphql.ts'), 'utf8');
  const manifestPath = join(dir, EXAMPLE, 'generated/persisted-documents.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
  return {
    generated,
    manifest,
    manifestPath,
    hashOf(name) {
      const m = new RegExp(`export const ${name}Document = \\{"__meta__":\\{"hash":"([^"]+)"`).exec(
        generated,
      );
      if (!m?.[1]) throw new Error(`no generated document ${name}Document`);
      return m[1];
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
