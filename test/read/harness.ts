/**
 * The read suites' entry point, kept for the suites that use it: the shared gateway harness
 * (../support/gateway.ts) with its defaults. New suites import ../support/gateway.ts directly.
 */
import type { GatewayDeps } from '../../src/app.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/types.js';
import { startGateway, type GraphQLResult, type TestGateway } from '../support/gateway.js';

export { codes } from '../support/gateway.js';
/** The shared GraphQLResult under the read suites' older name. */
export type GraphQLResponse<T = Record<string, unknown>> = GraphQLResult<T>;
export type Harness = TestGateway;

export function startHarness(
  opts: {
    sandbox?: SandboxOptions;
    env?: Record<string, string>;
    deps?: (sandbox: Sandbox) => Omit<GatewayDeps, 'sandbox'>;
  } = {},
): Promise<Harness> {
  return startGateway(opts);
}
