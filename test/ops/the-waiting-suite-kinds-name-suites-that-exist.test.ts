/**
 * test/support/suite-kinds.ts names suites by path for test:fast's exclusions: a renamed suite
 * would silently run in the inner loop again.
 */
import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WAITING_KINDS } from '../support/suite-kinds.js';

describe('the waiting suite kinds', () => {
  it('name only folders and test files that exist', () => {
    const missing = WAITING_KINDS.flat().filter((p) =>
      p.endsWith('/') ? !existsSync(p) || !statSync(p).isDirectory() : !existsSync(p),
    );
    expect(missing).toEqual([]);
  });
});
