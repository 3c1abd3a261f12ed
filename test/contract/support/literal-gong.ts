/**
 * A stand-in for Gong that answers each request with literal bodies the test writes (from
 * recorded answers and Gong's spec), and a gateway in access-key mode in front of it. Contract
 * tests use it to read Gong's real shapes through the whole gateway, GraphQL included, with no
 * sandbox code on the way.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createGateway, type Gateway } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/config.js';
import { silentLogger } from '../../../src/observability/logger.js';

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
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    data?: T | null;
    errors?: {
      message: string;
      path?: (string | number)[];
      extensions?: Record<string, unknown>;
    }[];
  }>;
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
  const gateway = await createGateway(
    loadConfig({
      READ_MODEL: 'off',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      GONG_ACCESS_KEY: 'contract-key',
      GONG_ACCESS_KEY_SECRET: 'contract-secret',
      GONG_API_BASE_URL: `http://127.0.0.1:${port}`,
      GATEWAY_API_KEYS: 'contract-client',
      GONG_MAX_RETRIES: '0',
      GONG_RATE_PER_SECOND: '1000',
      ...env,
    }),
    { logger: silentLogger() },
  );
  return {
    requests,
    count: (endpoint) => requests.filter((r) => `${r.method} ${r.path}` === endpoint).length,
    async gql(query, variables) {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer contract-client' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
    gateway,
    async close() {
      await gateway.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
