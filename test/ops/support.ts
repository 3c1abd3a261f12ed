/**
 * Helpers for the operations suites: Prometheus text parsing and polling without sleeps in tests
 * (the gateway as a process is test/support/gateway-process.ts).
 */
import { eventually } from '../support/eventually.js';

/** The value of one sample, e.g. `sample(text, 'gong_gateway_graphql_operations_total', {operation: 'Calls'})`; 0 when absent. Sums matching series. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map(
      [...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) total += Number(m[4]);
  }
  return total;
}

/** The shared polling helper: an error thrown by the check fails at once. */
export { eventually };
