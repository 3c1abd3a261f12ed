/**
 * `npm test`'s file order: the suites that wait on the outside world (./suite-kinds.ts) first,
 * longest kind first, then vitest's own order (slowest first when it has timings of a previous
 * run, larger files first on a clean checkout). Started last, a 10 s process suite ended the run
 * alone while the other workers sat idle.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { WAITING_KINDS } from './suite-kinds.js';

function kindOf(root: string, spec: TestSpecification): number {
  const path = relative(root, spec.moduleId);
  const kind = WAITING_KINDS.findIndex((paths) =>
    paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p)),
  );
  return kind === -1 ? WAITING_KINDS.length : kind;
}

export class WaitingSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    // Array.prototype.sort is stable: within a kind, vitest's order stays.
    return sorted.sort((a, b) => kindOf(root, a) - kindOf(root, b));
  }
}
