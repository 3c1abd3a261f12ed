/**
 * Prints the README configuration table (generated from src/config/config.ts), or with `--write`
 * replaces the table between the README's markers. `npx tsx scripts/config-table.ts --write`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable } from '../src/config/config.js';

export const START = '<!-- config-table:start -->';
export const END = '<!-- config-table:end -->';

if (process.argv.includes('--write')) {
  const path = new URL('../README.md', import.meta.url);
  const readme = readFileSync(path, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md must contain ${START} ... ${END}`);
  writeFileSync(path, `${readme.slice(0, a + START.length)}\n${configTable()}\n${readme.slice(b)}`);
} else process.stdout.write(`${configTable()}\n`);
