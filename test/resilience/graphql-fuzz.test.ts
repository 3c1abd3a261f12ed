/**
 * Random and malformed GraphQL requests never break the edge (whatever a client sends, it gets an answer). fast-check (seeded,
 * bounded runs) throws token soup, truncated queries built from the real schema's field names,
 * deep nesting, huge aliases, variables of the wrong type, non-JSON bodies, wrong content types
 * and GETs with odd parameters at a real gateway over HTTP: every answer is < 500 and JSON,
 * carries no stack, frame or file path, and the server still answers a valid query afterwards.
 */
import fc from 'fast-check';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';

interface FuzzRequest {
  method: 'GET' | 'POST';
  search?: string;
  headers: Record<string, string>;
  body?: string;
}

/** Root fields, with every object type's field names, from the schema the gateway serves. */
function schemaNames(schema: GraphQLSchema): { roots: string[]; fields: string[]; args: string[] } {
  const fields = new Set<string>();
  const args = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const f of Object.values(type.getFields())) {
      fields.add(f.name);
      for (const a of f.args) args.add(a.name);
    }
  }
  return {
    roots: Object.keys(schema.getQueryType()?.getFields() ?? {}),
    fields: [...fields],
    args: [...args],
  };
}

function arbitraries(names: ReturnType<typeof schemaNames>) {
  const field = fc.constantFrom(...names.fields);
  const arg = fc.constantFrom(...names.args);
  const scalar = fc.oneof(
    fc.integer(),
    fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'null', '$v', '[1, "a"]', '{ x: 1 }', 'ENUM', '1e999'),
  );
  const argList = fc
    .array(
      fc.tuple(arg, scalar).map(([a, v]) => `${a}: ${v}`),
      { maxLength: 3 },
    )
    .map((xs) => (xs.length ? `(${xs.join(', ')})` : ''));
  const selection: fc.Memo<string> = fc.memo((n) =>
    n <= 1
      ? field
      : fc
          .tuple(field, argList, fc.array(selection(n - 1), { minLength: 1, maxLength: 3 }))
          .map(([f, a, sub]) => `${f}${a} { ${sub.join(' ')} }`),
  );
  const validish = fc
    .tuple(
      fc.constantFrom(...names.roots),
      argList,
      fc.array(selection(4), { minLength: 1, maxLength: 4 }),
    )
    .map(([root, a, sub]) => `query Q($v: [ID!]) { ${root}${a} { ${sub.join(' ')} } }`);
  const truncated = fc.tuple(validish, fc.nat()).map(([q, n]) => q.slice(0, n % (q.length + 1)));
  const tokens = fc
    .array(
      fc.oneof(
        field,
        arg,
        fc.constantFrom(
          '{',
          '}',
          '(',
          ')',
          '[',
          ']',
          ':',
          '$',
          '!',
          '=',
          '...',
          '@skip(if: true)',
          '@include',
          'query',
          'mutation',
          'subscription',
          'fragment',
          'on',
          '#',
          '"',
          '"""',
          '\\u0000',
          '\u{1F4A5}',
          ',',
          '|',
          '&',
        ),
      ),
      { maxLength: 60 },
    )
    .map((xs) => xs.join(' '));
  const deep = fc
    .tuple(fc.integer({ min: 5, max: 400 }), field)
    .map(([d, f]) => `{ ${`${f} { `.repeat(d)}id${' }'.repeat(d)} }`);
  const aliases = fc
    .tuple(fc.integer({ min: 16, max: 3000 }), fc.constantFrom(...names.roots))
    .map(
      ([n, root]) =>
        `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${root} { __typename }`).join(' ')} }`,
    );
  const document = fc.oneof(
    validish,
    truncated,
    tokens,
    deep,
    aliases,
    fc.string({ maxLength: 200 }),
    fc.constant(''),
  );

  const json = (v: unknown) => JSON.stringify(v);
  const post = (body: string, contentType = 'application/json'): FuzzRequest => ({
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const variablesQuery = fc.constantFrom(
    'query($ids: [ID!]!) { gongCallsByIds(ids: $ids) { id } }',
    'query($first: Int) { gongUsers(first: $first) { nodes { id } } }',
    'query($id: ID!, $p: Boolean) { gongCall(id: $id, includePrivate: $p) { id } }',
    'query($f: GongCallsFilter) { gongCalls(filter: $f, first: 1) { nodes { id } } }',
  );
  const request: fc.Arbitrary<FuzzRequest> = fc.oneof(
    document.map((query) => post(json({ query }))),
    fc
      .tuple(
        document,
        fc.jsonValue(),
        fc.oneof(fc.string({ maxLength: 10 }), fc.constant(undefined)),
      )
      .map(([query, variables, operationName]) => post(json({ query, variables, operationName }))),
    fc
      .tuple(variablesQuery, fc.jsonValue({ maxDepth: 3 }))
      .map(([query, v]) =>
        post(json({ query, variables: { ids: v, first: v, id: v, p: v, f: v } })),
      ),
    fc.jsonValue().map((v) => post(json(v))),
    fc
      .record({ query: fc.jsonValue(), variables: fc.jsonValue(), extensions: fc.jsonValue() })
      .map((b) => post(json(b))),
    fc.string({ maxLength: 300 }).map((s) => post(s)),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/graphql',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'weird/*',
          '',
        ),
        document,
      )
      .map(([ct, q]) => post(ct === 'application/graphql' ? q : json({ query: q }), ct)),
    fc
      .tuple(
        fc.dictionary(
          fc.constantFrom('query', 'variables', 'operationName', 'extensions', 'x'),
          fc.oneof(document, fc.string({ maxLength: 40 })),
          { maxKeys: 4 },
        ),
        fc.boolean(),
      )
      .map(([params, preflight]): FuzzRequest => ({
        method: 'GET',
        search: `?${new URLSearchParams(params).toString()}`,
        headers: preflight ? { 'apollo-require-preflight': 'true' } : {},
      })),
  );
  return request;
}

/** What no answer may contain: a stack, a frame, a path of this machine. */
const LEAKS = [
  /"stack"/,
  /stacktrace/i,
  / {4}at /,
  /\bat [\w.<>]+ \(/,
  /\/work\//,
  /node_modules/,
  /file:\/\//,
  /\.ts:\d+/,
];

describe('GraphQL fuzzing at the HTTP edge', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      sandbox: { users: 10, calls: 30 },
      env: { CACHE_TTL_SECONDS: '300' },
    });
  });
  afterAll(() => h.close());

  it('answers 300 random and malformed requests with < 500 JSON without leaks, and still serves a valid query', async () => {
    const request = arbitraries(schemaNames(h.gateway.schema));
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await fetch(`${h.gateway.url}${r.search ?? ''}`, {
          method: r.method,
          headers: r.headers,
          body: r.body,
        });
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBeLessThan(500);
        expect(
          () => JSON.parse(text) as unknown,
          `not JSON (${res.status}): ${text.slice(0, 200)}`,
        ).not.toThrow();
        for (const leak of LEAKS) expect(text, `leak ${leak}`).not.toMatch(leak);
      }),
      { seed: 5_2025, numRuns: 300, endOnFailure: true },
    );
    const r = await h.gql<{ gongWorkspaces: unknown[] }>('{ gongWorkspaces { id name } }');
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongWorkspaces.length).toBeGreaterThan(0);
  }, 120_000);

  // Found by the fuzzer: Armor's token plugin turned every syntax error into an HTTP 500, and
  // Node's own 431 for an oversized URL had an empty body.
  it('answers a syntax error and a document over GRAPHQL_MAX_TOKENS with 400 GRAPHQL_PARSE_FAILED', async () => {
    for (const query of ['{ gongWorkspaces { id }', 'Q', `{ ${'__typename '.repeat(2500)} }`]) {
      const r = await h.gql(query);
      expect(r.status).toBe(400);
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    }
  });

  it("answers a URL too long for Node's parser with 431 JSON", async () => {
    const res = await fetch(`${h.gateway.url}?query=${'x'.repeat(20_000)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(431);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
  });
});
