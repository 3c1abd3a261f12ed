// `npm test`: vitest runs while the checks (build for the process suites, typecheck, ESLint,
// Prettier, import rules, codegen) run beside it in two chains, instead of all of them before the
// first test. Exits non-zero if any step failed; vitest's summary line stays last.
//
// Two chains because the run ends when the last of them ends: the typecheck and ESLint (one
// program, ~35 s of CPU) are the long one, and the short checks run beside it rather than after
// it, using the CPU that vitest's waiting suites leave idle.
import { spawn } from 'node:child_process';
import process from 'node:process';

/** A tool from node_modules/.bin, started without npx's own start-up. */
const bin = (name) => `node_modules/.bin/${name}`;

/** Each chain runs its checks one after another; the chains run at once. */
const CHAINS = [
  [
    ['build (for the process suites)', 'node', ['scripts/build-cached.mjs']],
    ['typecheck and lint', 'node', ['scripts/typecheck-and-lint.mjs']],
  ],
  [
    ['format:check', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
    ['lint:deps', bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs']],
    ['codegen:check', bin('graphql-codegen'), ['--config', 'codegen.yml', '--check']],
  ],
];

/** Runs one command; its output is kept (printed only if it fails). */
function run(cmd, args, { live = false } = {}) {
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
    take('stdout', process.stdout);
    take('stderr', process.stderr);
    child.once('close', (code) => resolve({ code: code ?? 1, out, ms: Date.now() - started }));
  });
}

async function runChain(chain) {
  const results = [];
  for (const [name, cmd, args] of chain) results.push({ name, ...(await run(cmd, args)) });
  return results;
}
const checks = Promise.all(CHAINS.map(runChain)).then((chains) => chains.flat());
const tests = run(bin('vitest'), ['run'], { live: true });

const [results, vitest] = await Promise.all([checks, tests]);
process.stdout.write('\n');
for (const r of results) {
  const s = (r.ms / 1000).toFixed(1);
  process.stdout.write(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${s} s)\n`);
  if (r.code !== 0) process.stdout.write(`${r.out}\n`);
}
process.stdout.write(
  `${vitest.code === 0 ? 'ok  ' : 'FAIL'} vitest (${(vitest.ms / 1000).toFixed(1)} s)\n`,
);
const failed = results.filter((r) => r.code !== 0).length + (vitest.code === 0 ? 0 : 1);
// The runner's closing line (vitest's own summary reporter prints the same counts above).
const summary = vitest.out
  .split('\n')
  .reverse()
  .find((l) => /^Tests: \d+ passed, \d+ failed/.test(l));
if (summary) process.stdout.write(`${summary}\n`);
process.exit(failed === 0 ? 0 : 1);
