/**
 * Runs the real relay-compiler over this folder's operations with the recipe's relay.config.json
 * (docs/clients.md), against the schema `npm run schema:print` writes, into a fresh folder outside
 * the repository (the artifacts are TypeScript the suite's tsconfig should not check).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ConcreteRequest, ReaderFragment } from 'relay-runtime';
import { printedSchema } from '../../../scripts/print-schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const compiler = join(
  dirname(createRequire(import.meta.url).resolve('relay-compiler/package.json')),
  'cli.js',
);

export interface RelayArtifacts {
  dir: string;
  query(name: string): Promise<ConcreteRequest>;
  fragment(name: string): Promise<ReaderFragment>;
}

export async function compileRelay(): Promise<RelayArtifacts> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-'));
  const recipe = JSON.parse(await readFile(join(here, 'relay.config.json'), 'utf8')) as object;
  await mkdir(join(dir, 'gen'));
  await writeFile(join(dir, 'schema.graphql'), printedSchema());
  await writeFile(
    join(dir, 'relay.config.json'),
    JSON.stringify({
      ...recipe,
      src: here,
      schema: join(dir, 'schema.graphql'),
      artifactDirectory: join(dir, 'gen'),
    }),
  );
  await promisify(execFile)(process.execPath, [compiler], { cwd: dir });
  const load = async <T>(name: string): Promise<T> =>
    ((await import(join(dir, 'gen', `${name}.graphql.ts`))) as { default: T }).default;
  return { dir, query: load<ConcreteRequest>, fragment: load<ReaderFragment> };
}
