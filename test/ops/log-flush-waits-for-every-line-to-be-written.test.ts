/**
 * The log destination's flush (called by shutdown right before exit) calls back only once every
 * line handed to it has reached its file descriptor. sonic-boom's own flush called back at once,
 * so the last lines before an exit ("shutdown complete") were lost when stdout was a pipe or file.
 */
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stdoutDestination } from '../../src/observability/log-destination.js';

describe('log destination flush', () => {
  it('calls back after every written line is in the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gg-log-')), 'out.log');
    const fd = openSync(path, 'w');
    const dest = stdoutDestination({ fd });
    const lines = Array.from({ length: 200 }, (_, i) => `{"line":${i}}\n`);
    for (const l of lines) dest.write(l);
    await new Promise<void>((resolve, reject) =>
      dest.flush((err) => (err ? reject(err) : resolve())),
    );
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
    closeSync(fd);
  });

  it('calls back at once when nothing is pending', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gg-log-')), 'out.log');
    const fd = openSync(path, 'w');
    const dest = stdoutDestination({ fd });
    await new Promise<void>((resolve) => dest.flush(() => resolve()));
    expect(readFileSync(path, 'utf8')).toBe('');
    closeSync(fd);
  });
});
