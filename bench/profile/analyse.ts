/**
 * Sums a .cpuprofile's self time by function (and by package/file), so the hot spots of a run can be
 * read without DevTools. `npx tsx bench/profile/analyse.ts <file.cpuprofile> [top=40]`
 */
import { readFileSync } from 'node:fs';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Node {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: analyse.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 40);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Where a frame lives: a package under node_modules, a repo file, or node's internals. */
function area(url: string): string {
  if (!url) return '(native/vm)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  const src = /\/work\/main\/(.+)$/.exec(url);
  if (src?.[1]) return src[1];
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

const fn = new Map<string, number>();
const ar = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const f = n.callFrame;
  const a = area(f.url);
  fn.set(
    `${f.functionName || '(anonymous)'}  ${a}:${f.lineNumber + 1}`,
    (fn.get(`${f.functionName || '(anonymous)'}  ${a}:${f.lineNumber + 1}`) ?? 0) + t,
  );
  ar.set(a, (ar.get(a) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n## ${title} (total ${(total / 1000).toFixed(0)} ms sampled)`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(t)}  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};
print('self time by area', ar);
print('self time by function', fn);

// Inclusive time of our own source files' functions: where the cost enters our code.
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)?.callFrame;
    if (!f) break;
    const a = area(f.url);
    if (!(
      a.startsWith('src/') ||
      a.startsWith('@apollo') ||
      a === 'graphql' ||
      a === 'zod' ||
      a === 'pino' ||
      a === 'prom-client' ||
      a === 'undici'
    ))
      continue;
    const k = `${f.functionName || '(anonymous)'}  ${a}:${f.lineNumber + 1}`;
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
print('inclusive time (src, apollo, graphql, zod, pino, prom-client)', incl);

// `--callers name` (4th argument): who calls the named function, by self time of that function.
const callersOf = process.argv[4];
if (callersOf) {
  const stacks = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName !== callersOf) continue;
    const chain: string[] = [];
    for (let cur = parent.get(id); cur !== undefined && chain.length < 6; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (f) chain.push(`${f.functionName || '(anon)'}@${area(f.url)}:${f.lineNumber + 1}`);
    }
    const k = chain.join(' < ');
    stacks.set(k, (stacks.get(k) ?? 0) + t);
  }
  print(`callers of ${callersOf}`, stacks);
}

// `--under name` (5th argument): self time of everything below the named function, by leaf function.
const under = process.argv[5];
if (under) {
  const leaves = new Map<string, number>();
  for (const [id, t] of self) {
    let inside = false;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
      if (byId.get(cur)?.callFrame.functionName === under) {
        inside = true;
        break;
      }
    if (!inside) continue;
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const k = `${f.functionName || '(anonymous)'}  ${area(f.url)}:${f.lineNumber + 1}`;
    leaves.set(k, (leaves.get(k) ?? 0) + t);
  }
  print(`self time under ${under}`, leaves);
}
