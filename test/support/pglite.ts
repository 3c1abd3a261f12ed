/**
 * PGlite data directories for tests. Creating one runs initdb inside WASM (2-3 s on this machine);
 * opening an existing one takes a few hundred ms. So the first call in a worker makes one
 * migrated template directory and every call after that copies it (a plain file copy).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/read-model/migrations.js';
import { openPglite } from '../../src/read-model/sql.js';

let template: Promise<string> | undefined;

async function makeTemplate(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gg-pglite-template-'));
  const sql = await openPglite(dir);
  await migrate(sql);
  await sql.close();
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh, migrated PGlite directory; `remove()` deletes it (call after closing the engine). */
export async function pgliteDir(): Promise<{ dir: string; remove(): void }> {
  const from = await (template ??= makeTemplate());
  const dir = mkdtempSync(join(tmpdir(), 'gg-pglite-'));
  cpSync(from, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
