import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

/** A frozen clock: the bucket never refills, so the third request is refused deterministically. */
const FROZEN = Date.UTC(2025, 5, 2, 12);
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    users: 5,
    calls: 20,
    rateLimit: { perSecond: 2, perDay: 1000 },
    now: () => FROZEN,
  });
});
afterAll(() => sandbox.close());

it("answers 429 with an integer Retry-After and Gong's ErrorResponse once the burst is spent", async () => {
  const auth = `Basic ${Buffer.from(`${sandbox.accessKey}:${sandbox.accessKeySecret}`).toString('base64')}`;
  const get = () => fetch(`${sandbox.url}/v2/workspaces`, { headers: { authorization: auth } });
  for (let i = 0; i < 2; i++) {
    const res = await get();
    expect(res.status).toBe(200);
    await res.body?.cancel();
  }
  const limited = await get();
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('1');
  const body = (await limited.json()) as { requestId: string; errors: string[] };
  expect(body.errors[0]).toContain('API request limit exceeded');
  expect(typeof body.requestId).toBe('string');

  sandbox.control.resetRateLimit();
  expect((await get()).status).toBe(200);
});
