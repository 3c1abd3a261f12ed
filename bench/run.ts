/**
 * `npm run bench [-- --quick] [-- --only <name>]`: runs the scenario modules, prints machine facts
 * and markdown tables (medians of several runs) on stdout, progress on stderr, and writes the raw
 * numbers to bench/results/<timestamp>.json. Not part of `npm test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Scenario, ScenarioResult } from './lib/scenario.js';
import { markdown } from './lib/stats.js';
import { upstreamEfficiency } from './upstream-efficiency.js';
import { overhead } from './overhead.js';
import { fanout } from './fanout.js';
import { sync } from './sync.js';
import { syncCost } from './sync-cost.js';
import { fullReadRefresh } from './full-read-refresh.js';
import { callPageViews } from './call-page-views.js';
import { reconcileCost } from './reconcile-cost.js';

const SCENARIOS: Record<string, Scenario> = {
  upstream: upstreamEfficiency,
  overhead,
  fanout,
  sync,
  'sync-cost': syncCost,
  'full-read-refresh': fullReadRefresh,
  views: callPageViews,
  'reconcile-cost': reconcileCost,
};

function parseArgs(argv: readonly string[]): { quick: boolean; only: string[]; runs?: number } {
  const out: { quick: boolean; only: string[]; runs?: number } = { quick: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') out.quick = true;
    else if (a === '--only') out.only.push(...(argv[++i] ?? '').split(','));
    else if (a === '--runs') out.runs = Number(argv[++i]);
    else
      throw new Error(
        `unknown argument ${JSON.stringify(a)}; expected --quick, --only <${Object.keys(SCENARIOS).join('|')}>, --runs <n>`,
      );
  }
  for (const name of out.only)
    if (!(name in SCENARIOS))
      throw new Error(
        `--only: unknown scenario ${JSON.stringify(name)}, expected one of ${Object.keys(SCENARIOS).join(', ')}`,
      );
  if (out.runs !== undefined && !(Number.isInteger(out.runs) && out.runs >= 1 && out.runs <= 20))
    throw new Error(`--runs: expected an integer from 1 to 20, got ${out.runs}`);
  return out;
}

const args = parseArgs(process.argv.slice(2));
const runs = args.runs ?? (args.quick ? 1 : 3);
const started = new Date();
const machine = {
  date: started.toISOString(),
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  // BENCH_* variables change what runs (views, rows, seed), so the command shows them.
  command: `${Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_'))
    .map(([k, v]) => `${k}=${v ?? ''} `)
    .join(
      '',
    )}npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  runs,
};
const log = (line: string) =>
  process.stderr.write(
    `[bench ${((Date.now() - started.getTime()) / 1000).toFixed(1)}s] ${line}\n`,
  );

console.log(`## Benchmark run ${machine.date}\n`);
console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}. Command: \`${machine.command}\`. Medians of ${runs} run(s). Load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')}.\n`,
);

const results: Record<string, ScenarioResult | { error: string }> = {};
const chosen = args.only.length > 0 ? args.only : Object.keys(SCENARIOS);
for (const name of chosen) {
  const scenario = SCENARIOS[name];
  if (!scenario) continue;
  log(`${name}: start`);
  try {
    const r = await scenario({ quick: args.quick, runs, log });
    results[name] = r;
    for (const t of r.tables) console.log(markdown(t));
  } catch (e) {
    // One failing scenario must not hide the others' numbers; the failure is printed and recorded.
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    results[name] = { error };
    console.log(`### ${name}: FAILED\n\n\`\`\`\n${error}\n\`\`\`\n`);
  }
  log(`${name}: done`);
  console.log(
    `Load average after ${name}: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} (1/5/15 min; the machine is shared).\n`,
  );
}

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${started.toISOString().replace(/[:.]/g, '-')}${args.quick ? '-quick' : ''}.json`;
writeFileSync(file, JSON.stringify({ machine, results }, null, 2));
log(`raw results: ${file}`);
// Scenario servers are closed; anything still pending (keep-alive sockets) must not hold the run open.
process.exit(Object.values(results).some((r) => 'error' in r) ? 1 : 0);
