/**
 * Fault injection for `/v2/` requests: error statuses, latency, malformed bodies and connection
 * resets, each with a probability (`rate`), an optional budget (`count`) and a path prefix.
 * Internal to the sandbox.
 */
import { badInput } from '../errors.js';
import type { FaultRule } from './types.js';

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  readonly #rules: ActiveRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): void {
    const kind: unknown = rule.kind?.type;
    if (!['status', 'latency', 'malformed', 'reset', 'lost-answer'].includes(String(kind)))
      throw badInput(
        `fault kind.type must be one of status, latency, malformed, reset, lost-answer, but got: ${JSON.stringify(kind)}`,
      );
    if (rule.kind.type === 'lost-answer' && ![500, 502, 503].includes(rule.kind.status))
      throw badInput(
        `fault lost-answer status must be 500, 502 or 503, but got: ${JSON.stringify(rule.kind.status)}`,
      );
    if (
      rule.kind.type === 'status' &&
      ![400, 403, 404, 429, 500, 502, 503].includes(rule.kind.status)
    )
      throw badInput(
        `fault status must be 400, 403, 404, 429, 500, 502 or 503, but got: ${JSON.stringify(rule.kind.status)}`,
      );
    if (rule.kind.type === 'latency' && !(Number.isFinite(rule.kind.ms) && rule.kind.ms >= 0))
      throw badInput(
        `fault latency ms must be a number >= 0, but got: ${JSON.stringify(rule.kind.ms)}`,
      );
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1))
      throw badInput(`fault rate must be between 0 and 1, but got: ${JSON.stringify(rule.rate)}`);
    if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0))
      throw badInput(
        `fault count must be a positive integer, but got: ${JSON.stringify(rule.count)}`,
      );
    this.#rules.push({ rule, remaining: rule.count ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** The faults that hit this request, in rule order (a latency can precede a status). */
  pick(path: string): FaultRule['kind'][] {
    const hits: FaultRule['kind'][] = [];
    for (const active of this.#rules) {
      if (active.remaining <= 0 || !path.startsWith(active.rule.pathPrefix ?? '/v2/')) continue;
      if (this.random() >= (active.rule.rate ?? 1)) continue;
      active.remaining--;
      hits.push(active.rule.kind);
    }
    return hits;
  }
}
