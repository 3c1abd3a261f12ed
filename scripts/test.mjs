// `npm test`: the checks (build for the process suites, typecheck, ESLint, Prettier, import rules,
// codegen) run one after another on one core while vitest runs beside them, instead of all of
// them before the first test. Exits non-zero if any step failed; vitest's summary line stays last.
//
// The checks are one serial chain (~50 s of CPU) while vitest spreads over every core, so the run
// ends when the later of the two ends: vitest runs at a lower priority, letting the chain keep its
// core and finish early, after which vitest has them all. At equal priority the chain got a third
// of a core beside vitest's workers and finished last.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import process from 'node:process';

/** A tool from node_modules/.bin, started without npx's own start-up. */
const bin = (name) => `node_modules/.bin/${name}`;

const CHECKS = [
  ['build (for the process suites)', 'node', ['scripts/build-cached.mjs']],
  ['typecheck and lint', 'node', ['scripts/typecheck-and-lint.mjs']],
  ['format:check', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
  ['lint:deps', bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs']],
  ['codegen:check', bin('graphql-codegen'), ['--config', 'codegen.yml', '--check']],
];

/** Lowers a process's priority (its workers and servers inherit it); a refusal changes nothing else. */
function lowerPriority(pid, nice) {
  try {
    if (pid !== undefined) setPriority(pid, nice);
  } catch {
    // Not permitted here: the run is only slower.
  }
}

/** Runs one command; its output is kept (printed only if it fails). */
function run(cmd, args, { live = false, nice = 0 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, [...args, ...(live ? process.argv.slice(2) : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let out = '';
    const take = (stream, sink) =>
      child[stream].on('data', (b) => {
        out += b.toString();
        if (live) sink.write(b);
      });
    if (nice !== 0) lowerPriority(child.pid, nice);
    take('stdout', process.stdout);
    take('stderr', process.stderr);
    child.once('close', (code) => resolve({ code: code ?? 1, out, ms: Date.now() - started }));
  });
}

const checks = (async () => {
  const results = [];
  for (const [name, cmd, args] of CHECKS) results.push({ name, ...(await run(cmd, args)) });
  return results;
})();
const tests = run(bin('vitest'), ['run'], { live: true, nice: 10 });

const [results, vitest] = await Promise.all([checks, tests]);
process.stdout.write('\n');
for (const r of results) {
  const s = (r.ms / 1000).toFixed(1);
  process.stdout.write(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${s} s)\n`);
  if (r.code !== 0) process.stdout.write(`${r.out}\n`);
}
const failed = results.filter((r) => r.code !== 0).length + (vitest.code === 0 ? 0 : 1);
// The runner's closing line (vitest's own summary reporter prints the same counts above).
const summary = vitest.out
  .split('\n')
  .reverse()
  .find((l) => /^Tests: \d+ passed, \d+ failed/.test(l));
if (summary) process.stdout.write(`${summary}\n`);
process.exit(failed === 0 ? 0 : 1);
