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

mkdirSync(join(root, 'dist'), { recursive: true });
const deadline = Date.now() + 180_000;
for (;;) {
  if (builtAt() >= sourcesAt()) process.exit(0);
  try {
    mkdirSync(lock);
  } catch {
    if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes: remove it`);
    await sleep(200);
    continue;
  }
  try {
    if (builtAt() >= sourcesAt()) process.exit(0);
    const started = Date.now();
    const r = spawnSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
    writeFileSync(stamp, `${new Date().toISOString()} ${Date.now() - started} ms\n`);
    process.exit(0);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
