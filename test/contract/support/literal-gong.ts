/**
 * A stand-in for Gong that answers each request with literal bodies the test writes (from
 * recorded answers and Gong's spec), and a gateway in access-key mode in front of it. Contract
 * tests use it to read Gong's real shapes through the whole gateway, GraphQL included, with no
 * sandbox code on the way.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Gateway } from '../../../src/app.js';
import { startGateway, type GraphQLResult } from '../../support/gateway.js';

export interface LiteralRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}
export type LiteralAnswer = { status: number; body: unknown } | undefined;

export interface LiteralGong {
  /** Every request received, in order. */
  requests: LiteralRequest[];
  /** Requests to `METHOD /path`. */
  count(endpoint: string): number;
  /** A GraphQL request as the gateway's one API-key client. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
  gateway: Gateway;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** `answer` returns the literal answer, or undefined for a 404 naming the request (a test gap). */
export async function startLiteralGong(
  answer: (req: LiteralRequest) => LiteralAnswer,
  env: Record<string, string> = {},
): Promise<LiteralGong> {
  const requests: LiteralRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://gong');
      const r: LiteralRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body: await readJson(req),
      };
      requests.push(r);
      const a = answer(r) ?? {
        status: 404,
        body: { requestId: 'literalgongnoanswer', errors: [`no literal answer for ${r.path}`] },
      };
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const gw = await startGateway({
    sandbox: false,
    env: {
      // Read as a deployment reads Gong: caches on at their default sizes.
      CACHE_TTL_SECONDS: undefined,
      CACHE_MAX_BYTES: undefined,
      GONG_ACCESS_KEY: 'contract-key',
      GONG_ACCESS_KEY_SECRET: 'contract-secret',
      GONG_API_BASE_URL: `http://127.0.0.1:${port}`,
      GATEWAY_API_KEYS: 'contract-client',
      ...env,
    },
  });
  return {
    requests,
    count: (endpoint) => requests.filter((r) => `${r.method} ${r.path}` === endpoint).length,
    gql: (query, variables) =>
      gw.gql(query, variables, { authorization: 'Bearer contract-client' }),
    gateway: gw.gateway,
    async close() {
      await gw.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
