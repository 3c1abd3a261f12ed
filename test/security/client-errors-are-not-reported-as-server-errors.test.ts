/**
 * Client errors were reported as server errors: an APQ hash mismatch answered 400 "Internal server
 * error" and logged at error level, and `DateTime` accepted 2026-02-30 (Date.parse rolls it over)
 * and sent it to Gong. (An aborted webhook upload counted as `outcome="error"`: see the webhook
 * bodies suite.)
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';

describe('client errors', () => {
  let sandbox: Sandbox;
  let gateway: Gateway;
  const lines: { level: number; msg: string }[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false, users: 5, calls: 5 });
    const destination = new Writable({
      write: (chunk, _e, cb) => (
        lines.push(JSON.parse(String(chunk)) as { level: number; msg: string }),
        cb()
      ),
    });
    gateway = await createGateway(
      loadConfig({
        READ_MODEL: 'off',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        GATEWAY_API_KEYS: 'ce-key',
      }),
      { sandbox, logger: createLogger({ level: 'info', destination }) },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  const post = async (body: unknown) => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ce-key' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        data?: unknown;
        errors?: { message: string; extensions?: { code?: string } }[];
      },
    };
  };

  it('an APQ hash mismatch or unknown APQ version is a 400 BAD_REQUEST logged at warn, never an internal error', async () => {
    const query = '{ gongWorkspaces { id } }';
    for (const persistedQuery of [
      { version: 1, sha256Hash: 'f'.repeat(64) },
      { version: 2, sha256Hash: 'f'.repeat(64) },
    ]) {
      lines.length = 0;
      const r = await post({ query, extensions: { persistedQuery } });
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(r.body.errors?.[0]?.message).not.toBe('Internal server error');
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(lines.some((l) => l.level === 40 && /client's error/.test(l.msg))).toBe(true);
    }
  });

  it('an impossible date is BAD_USER_INPUT and never reaches Gong', async () => {
    sandbox.control.resetLog();
    for (const from of [
      '2026-02-30T00:00:00Z',
      '2025-02-29T10:00:00Z',
      '2026-04-31T00:00:00-07:00',
      '2026-01-01T24:00:00Z',
    ]) {
      const r = await post({
        query: 'query($from: DateTime) { gongCalls(filter: { from: $from }) { totalCount } }',
        variables: { from },
      });
      expect({ from, code: r.body.errors?.[0]?.extensions?.code }).toEqual({
        from,
        code: 'BAD_USER_INPUT',
      });
    }
    expect(sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/'))).toEqual([]);
    // A real leap day still works.
    const ok = await post({
      query: '{ gongCalls(filter: { from: "2024-02-29T00:00:00Z" }) { totalCount } }',
    });
    expect(ok.body.errors).toBeUndefined();
  });
});
