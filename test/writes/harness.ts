/**
 * An in-process sandbox and a real gateway on port 0 for the writes and proxy suites, plus small
 * clients for GraphQL and raw HTTP. Counting assertions read the sandbox's request log.
 */
import type { Gateway } from '../../src/app.js';
import type { UserMetadata, Workspace } from '../../src/gong/wire.js';
import type { RequestLogEntry, Sandbox, SandboxOptions } from '../../src/sandbox/types.js';
import { startGateway, type GraphQLResult } from '../support/gateway.js';

export type { GraphQLResult } from '../support/gateway.js';

export interface WritesHarness {
  sandbox: Sandbox;
  gateway: Gateway;
  /** The gateway's origin, e.g. http://127.0.0.1:39123 */
  origin: string;
  /** Active users and the workspaces of the tenant (read before the log was reset). */
  users: UserMetadata[];
  workspaces: Workspace[];
  gql<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** `/v2` requests the sandbox received since the last reset. */
  upstream(): RequestLogEntry[];
  reset(): void;
  close(): Promise<void>;
}

export const API_KEY = 'writes-test-key';

async function sandboxGet<T>(sandbox: Sandbox, path: string): Promise<T> {
  const auth = Buffer.from(`${sandbox.accessKey}:${sandbox.accessKeySecret}`).toString('base64');
  const res = await fetch(`${sandbox.url}${path}`, { headers: { authorization: `Basic ${auth}` } });
  return (await res.json()) as T;
}

export async function startWritesHarness(
  opts: { sandbox?: SandboxOptions; env?: Record<string, string> } = {},
): Promise<WritesHarness> {
  const h = await startGateway({
    sandbox: {
      users: 10,
      calls: 20,
      processingDelayMs: 0,
      transcriptDelayMs: 60_000,
      ...opts.sandbox,
    },
    env: { GATEWAY_API_KEYS: API_KEY, ...opts.env },
  });
  const users = (await sandboxGet<{ users: UserMetadata[] }>(h.sandbox, '/v2/users')).users.filter(
    (u) => u.active,
  );
  const workspaces = (await sandboxGet<{ workspaces: Workspace[] }>(h.sandbox, '/v2/workspaces'))
    .workspaces;
  h.reset();
  return {
    sandbox: h.sandbox,
    gateway: h.gateway,
    origin: h.origin,
    users,
    workspaces,
    gql: (query, variables, headers = {}) =>
      h.gql(query, variables, { authorization: `Bearer ${API_KEY}`, ...headers }),
    upstream: h.upstream,
    reset: h.reset,
    close: h.close,
  };
}
