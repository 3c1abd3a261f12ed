import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
export async function sync(_o: BenchOptions): Promise<ScenarioResult> { return { tables: [], raw: null }; }
