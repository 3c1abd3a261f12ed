/**
 * PERSISTED_DOCUMENTS_PATH is read once at start-up: a manifest that cannot be read, or is not
 * graphql-codegen's `persisted-documents.json`, stops `npm start` with one line naming the
 * variable, what it expects and what it was given, and exit code 1, before anything serves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnMain } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'bad-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start with a bad PERSISTED_DOCUMENTS_PATH', () => {
  it('is one line naming the variable, what it expects and what it got, exit 1', async () => {
    const path = join(dir, 'persisted-documents.json');
    // What a frontend build writes by mistake: graphql-codegen's client.json shape (name → hash).
    writeFileSync(path, JSON.stringify([{ RecentCalls: 'sha256:abc' }]));
    const m = spawnMain({
      PORT: '0',
      LOG_LEVEL: 'silent',
      SANDBOX_CALLS: '20',
      SANDBOX_USERS: '5',
      PERSISTED_DOCUMENTS_PATH: path,
      PERSISTED_DOCUMENTS_ONLY: 'true',
    });
    expect(await m.exited).toBe(1);
    expect(m.out.stderr.trimEnd().split('\n')).toEqual([
      `Cannot start: PERSISTED_DOCUMENTS_PATH: expected graphql-codegen's persisted-documents.json (a JSON object of hash → document), got ${JSON.stringify(path)}, which holds an array`,
    ]);
    expect(m.out.stdout).not.toContain('GraphQL: http');
  });
});
