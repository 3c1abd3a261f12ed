/** Medians, percentiles and the markdown tables every scenario prints. */

/** The p-th percentile (0..100) by nearest rank; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Rounds for display: integers stay integers, small values keep 2–3 significant decimals. */
export function fmt(v: number | string | boolean | undefined): string {
  if (v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return '–';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export type Cell = number | string | boolean | undefined;
export type Row = Record<string, Cell>;

export interface Table {
  title: string;
  /** One or two lines under the title: conditions, what was capped or computed. */
  note?: string;
  columns: string[];
  rows: Row[];
}

export function markdown(t: Table): string {
  const head = `| ${t.columns.join(' | ')} |\n| ${t.columns.map(() => '---').join(' | ')} |`;
  const body = t.rows.map((r) => `| ${t.columns.map((c) => fmt(r[c])).join(' | ')} |`).join('\n');
  return `### ${t.title}\n\n${t.note ? `${t.note}\n\n` : ''}${head}\n${body}\n`;
}

/** `met` / `MISSED` for a target column. */
export const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/** Runs `fn` `n` times in sequence and returns every result (scenarios take medians of them). */
export async function repeat<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

/** Median of one numeric field over several runs. */
export const medianOf = <T>(runs: readonly T[], pick: (r: T) => number): number =>
  median(runs.map(pick));
