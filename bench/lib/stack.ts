/** In-process sandbox + gateway for scenarios whose numbers are upstream counts and wall time. */
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { Sandbox } from '../../src/sandbox/types.js';

export interface GqlResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** Throws with the first GraphQL error: a benchmark of a failing query measures nothing. */
export function expectData<T>(r: GqlResult<T>, what: string): T {
  if (r.errors?.length || !r.data)
    throw new Error(`${what}: ${r.errors?.[0]?.message ?? 'no data'}`);
  return r.data;
}

/** A gateway on the embedded sandbox, as `npm start` runs it; `env` overrides config variables. */
export async function startGatewayOn(
  sandbox: Sandbox,
  env: Record<string, string> = {},
): Promise<Gateway> {
  const config = loadConfig({
    READ_MODEL: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createGateway(config, { sandbox, logger: silentLogger() });
}

/** `/v2/` requests in the sandbox's log (control and OAuth endpoints are not Gong's budget). */
export const upstreamCount = (sandbox: Sandbox): number =>
  sandbox.control.requestLog().filter((e) => e.path.startsWith('/v2/')).length;

/** The /v2 requests `fn` caused (the log is reset first). */
export async function counted(sandbox: Sandbox, fn: () => Promise<void>): Promise<number> {
  sandbox.control.resetLog();
  await fn();
  return upstreamCount(sandbox);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 5 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(5);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
