/**
 * GraphQL over WebSocket applies the same limits as HTTP: the parser's token limit
 * (GRAPHQL_MAX_TOKENS) and the validation rules (depth, aliases, ...), so a client cannot bypass
 * them by switching transport. The refusal is an `error` message; the socket stays usable.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';
import { expectObjectContaining } from '../support/match.js';

let h: Harness;
let client: Client;
let connections = 0;
beforeAll(async () => {
  h = await startHarness({ env: { GRAPHQL_MAX_TOKENS: '60', GRAPHQL_MAX_DEPTH: '4' } });
  client = createClient({
    url: h.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    lazyCloseTimeout: 60_000,
    on: { connected: () => void connections++ },
  });
});
afterAll(async () => {
  await client?.dispose();
  await h?.close();
});

/** Runs one operation and collects its result or its errors. */
function run(query: string): Promise<{
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}> {
  return new Promise((resolve) => {
    let result: { data?: unknown } = {};
    client.subscribe(
      { query },
      {
        next: (r) => (result = r as { data?: unknown }),
        error: (e) => resolve({ errors: (Array.isArray(e) ? e : [e]) as never }),
        complete: () => resolve(result),
      },
    );
  });
}

describe('WebSocket limits', () => {
  it('refuses a document over the token limit, as HTTP does', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ');
    const ws = await run(`{ ${aliases} }`);
    const http = await h.gql(`{ ${aliases} }`);
    expect(http.status).toBe(400);
    expect(ws.errors).toEqual([
      expect.objectContaining({
        message: http.errors?.[0]?.message,
        extensions: expectObjectContaining({ code: 'GRAPHQL_PARSE_FAILED' }),
      }),
    ]);
  });

  it('refuses a query deeper than the depth limit', async () => {
    const ws = await run(
      '{ gongCalls(first: 1) { nodes { primaryUser { manager { manager { id } } } } } }',
    );
    expect(ws.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(ws.errors)).toMatch(/depth/i);
  });

  it('answers a syntax error for that operation only', async () => {
    const ws = await run('{ gongCalls(first: 1) { nodes { id }');
    expect(ws.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('still serves a valid operation on the same socket', async () => {
    expect(await run('{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    // Every refusal above went over this one connection: none closed the socket.
    expect(connections).toBe(1);
  });
});
