// `npm run build` only when src/ changed since the last one (dist/.built is the stamp), for the
// tests that start the gateway as a process. Concurrent callers wait for one build (a lock dir).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.built');
const lock = join(root, 'dist', '.building');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const sourcesAt = () =>
  Math.max(
    newest(join(root, 'src')),
    statSync(join(root, 'tsconfig.json')).mtimeMs,
    statSync(join(root, 'tsconfig.build.json')).mtimeMs,
  );
const builtAt = () => {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return 0;
  }
};

/** Builds under the lock unless another caller did meanwhile; returns tsc's exit code. */
function buildLocked() {
  if (builtAt() >= sourcesAt()) return 0;
  const started = Date.now();
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status === 0)
    writeFileSync(stamp, `${new Date().toISOString()} ${Date.now() - started} ms\n`);
  return r.status ?? 1;
}

mkdirSync(join(root, 'dist'), { recursive: true });
const deadline = Date.now() + 180_000;
let code = 0;
for (;;) {
  if (builtAt() >= sourcesAt()) break;
  try {
    mkdirSync(lock);
  } catch {
    // A lock left by a killed build (older than any build takes) is taken over.
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000)
      rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes`);
    else await sleep(200);
    continue;
  }
  try {
    code = buildLocked();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  break;
}
process.exit(code);
