/** What bench/run.ts hands every scenario module and gets back. */
import type { Table } from './stats.js';

export interface BenchOptions {
  /** Smoke mode: smaller tenants, shorter runs, one repetition. */
  quick: boolean;
  /** Repetitions whose median is reported. */
  runs: number;
  /** Progress lines (stderr), so stdout stays the tables. */
  log: (line: string) => void;
}

export interface ScenarioResult {
  tables: Table[];
  /** Raw per-run numbers, written to bench/results/*.json. */
  raw: unknown;
}

export type Scenario = (o: BenchOptions) => Promise<ScenarioResult>;
