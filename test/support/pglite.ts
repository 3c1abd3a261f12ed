/**
 * PGlite data directories for tests. Creating one runs initdb inside WASM (2-3 s on this machine,
 * far more under load); opening an existing one takes a few hundred ms. So a migrated template
 * directory is made once, kept under node_modules/.cache (keyed by the PGlite version and the
 * migrations) and built by one worker while the others wait, and every test copies it (a plain
 * file copy).
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS, migrate } from '../../src/read-model/migrations.js';
import { openPglite } from '../../src/read-model/sql.js';

let template: Promise<string> | undefined;

async function makeTemplate(): Promise<string> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const pkg = join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  const key = createHash('sha256')
    .update(JSON.stringify([version, MIGRATIONS]))
    .digest('hex')
    .slice(0, 16);
  const dir = join(root, 'node_modules', '.cache', 'gg-pglite-template', key);
  const ready = () => existsSync(join(dir, 'PG_VERSION'));
  mkdirSync(dirname(dir), { recursive: true });
  // One worker builds it while the others wait: on a clean checkout every worker used to run its
  // own initdb at once, each slower for the others.
  const lock = `${dir}.lock`;
  for (const deadline = Date.now() + 180_000; !ready();) {
    try {
      mkdirSync(lock);
    } catch {
      // A lock older than any build takes was left by a killed worker: take it over.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes`);
      else await sleep(100);
      continue;
    }
    try {
      if (!ready()) await build(dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}

/** Runs initdb and the migrations into a scratch directory, then moves the result to `dir`. */
async function build(dir: string): Promise<void> {
  const building = mkdtempSync(join(tmpdir(), 'gg-pglite-template-'));
  try {
    const sql = await openPglite(building);
    await migrate(sql);
    await sql.close();
    cpSync(building, `${dir}.${process.pid}`, { recursive: true });
    renameSync(`${dir}.${process.pid}`, dir);
  } finally {
    rmSync(building, { recursive: true, force: true });
    rmSync(`${dir}.${process.pid}`, { recursive: true, force: true });
  }
}

/**
 * Where test directories go: memory (/dev/shm) when it has room, since copying the template's
 * thousand files to this machine's disk took 0.8 s and to memory 0.06 s; else the temp directory
 * (a container's /dev/shm is often 64 MB).
 */
const SCRATCH = (() => {
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize > 1024 ** 3) return '/dev/shm';
  } catch {
    // no /dev/shm here
  }
  return tmpdir();
})();

/** A fresh, migrated PGlite directory; `remove()` deletes it (call after closing the engine). */
export async function pgliteDir(): Promise<{ dir: string; remove(): void }> {
  const from = await (template ??= makeTemplate());
  const dir = mkdtempSync(join(SCRATCH, 'gg-pglite-'));
  cpSync(from, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
