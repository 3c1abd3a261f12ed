/**
 * Client errors were reported as server errors: an APQ hash mismatch answered 400 "Internal server
 * error" and logged at error level, and `DateTime` accepted 2026-02-30 (Date.parse rolls it over)
 * and sent it to Gong. (An aborted webhook upload counted as `outcome="error"`: see the webhook
 * bodies suite.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { codes, startGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs } from '../support/log-capture.js';

describe('client errors', () => {
  let gw: TestGateway;
  const logs = captureLogs();
  beforeAll(async () => {
    gw = await startGateway({
      sandbox: { users: 5, calls: 5 },
      env: { LOG_LEVEL: 'info', GATEWAY_API_KEYS: 'ce-key' },
      deps: () => ({ logger: createLogger({ level: 'info', destination: logs.stream }) }),
    });
  });
  afterAll(() => gw?.close());

  const auth = { authorization: 'Bearer ce-key' };
  /** Logged since the `from`th line. */
  const loggedSince = (from: number) =>
    logs.lines().slice(from) as { level: number; msg: string }[];

  /** A request body beyond query and variables (an APQ extension). */
  const post = async (body: unknown) => {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
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
      const from = logs.lines().length;
      const r = await post({ query, extensions: { persistedQuery } });
      const lines = loggedSince(from);
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(r.body.errors?.[0]?.message).not.toBe('Internal server error');
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(lines.some((l) => l.level === 40 && /client's error/.test(l.msg))).toBe(true);
    }
  });

  it('an impossible date is BAD_USER_INPUT and never reaches Gong', async () => {
    gw.reset();
    for (const from of [
      '2026-02-30T00:00:00Z',
      '2025-02-29T10:00:00Z',
      '2026-04-31T00:00:00-07:00',
      '2026-01-01T24:00:00Z',
    ]) {
      const r = await gw.gql(
        'query($from: DateTime) { gongCalls(filter: { from: $from }) { totalCount } }',
        { from },
        auth,
      );
      expect({ from, code: codes(r)[0] }).toEqual({
        from,
        code: 'BAD_USER_INPUT',
      });
    }
    expect(gw.upstream()).toEqual([]);
    // A real leap day still works.
    const ok = await gw.gql(
      '{ gongCalls(filter: { from: "2024-02-29T00:00:00Z" }) { totalCount } }',
      undefined,
      auth,
    );
    expect(ok.errors).toBeUndefined();
  });
});
