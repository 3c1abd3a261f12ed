/**
 * Every request the sandbox received (rejected ones too), newest last and bounded, plus counts
 * by endpoint label. Tests assert upstream traffic with it. Internal to the sandbox.
 */
import type { RequestLogEntry } from './types.js';

export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #counters = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.max) this.#entries.splice(0, this.#entries.length - this.max);
    this.#counters.set(entry.endpoint, (this.#counters.get(entry.endpoint) ?? 0) + 1);
  }

  entries(): RequestLogEntry[] {
    return [...this.#entries];
  }

  counters(): Record<string, number> {
    return Object.fromEntries(this.#counters);
  }

  clear(): void {
    this.#entries.length = 0;
    this.#counters.clear();
  }
}
