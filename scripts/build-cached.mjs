// dist/ for the tests that start the gateway as a process, only when src/ changed since the last
// build (dist/.built is the stamp). Concurrent callers wait for one build (a lock dir).
//
// The JavaScript (and its source maps) is what `npm run build` (tsc -p tsconfig.build.json) writes,
// byte for byte, emitted by tsc without type-checking: src is written for isolatedModules and
// verbatimModuleSyntax, so no file's output depends on types. That takes ~3 s of CPU where the
// checked build takes ~13 s; `npm test` type-checks everything in scripts/typecheck-and-lint.mjs.
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

/** Emits tsconfig.build.json's files as `npm run build` does, unchecked; returns 1 on a failure. */
async function transpile() {
  // Loaded only to build: most callers find dist/ current, and TypeScript takes ~0.5 s to load.
  const { default: ts } = await import('typescript');
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: {
      ...config.options,
      // Each file alone: no types, no imports followed, no lib, no incremental record.
      noCheck: true,
      noResolve: true,
      noLib: true,
      types: [],
      incremental: false,
      tsBuildInfoFile: undefined,
      // NodeNext takes ES modules from package.json's "type", which it reads through resolution.
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    },
  });
  const failures = [...program.getSyntacticDiagnostics(), ...program.emit().diagnostics];
  if (failures.length === 0) return 0;
  process.stderr.write(ts.formatDiagnostics(failures, ts.createCompilerHost({})));
  return 1;
}

/** Builds under the lock unless another caller did meanwhile; returns 1 if the build failed. */
async function buildLocked() {
  if (builtAt() >= sourcesAt()) return 0;
  const started = Date.now();
  // `npm run build` is incremental: its record of what it emitted no longer holds.
  rmSync(join(root, 'dist', '.tsbuildinfo'), { force: true });
  const code = await transpile();
  if (code === 0) writeFileSync(stamp, `${new Date().toISOString()} ${Date.now() - started} ms\n`);
  return code;
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
    code = await buildLocked();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  break;
}
process.exit(code);
