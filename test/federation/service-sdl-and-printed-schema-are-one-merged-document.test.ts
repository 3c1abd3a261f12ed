/**
 * `_service { sdl }` (what routers and composers read) and `npm run schema:print` (what client
 * codegen reads) are each one document with a single `type Query`, `Mutation` and `Subscription`
 * and no `extend type`, while the schema sources stay split by domain under schema/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../scripts/print-schema.js';
import { buildGatewaySchema, SCHEMA_DIR } from '../../src/graphql/schema.js';

const count = (sdl: string, re: RegExp) => sdl.match(re)?.length ?? 0;

function expectOneDocument(sdl: string) {
  for (const root of ['Query', 'Mutation', 'Subscription'])
    expect(count(sdl, new RegExp(`^type ${root}\\b`, 'gm')), root).toBe(1);
  expect(sdl).not.toMatch(/^extend type/m);
}

describe('the published schema', () => {
  it('the sources still extend the root types from several files', () => {
    const sources = readdirSync(SCHEMA_DIR)
      .filter((f) => f.endsWith('.graphql'))
      .map((f) => readFileSync(`${SCHEMA_DIR}/${f}`, 'utf8'))
      .join('\n');
    expect(count(sources, /^extend type Query\b/gm)).toBeGreaterThan(1);
  });

  it('_service { sdl } is one merged document with every Query field', async () => {
    const schema = buildGatewaySchema();
    const r = await graphql({ schema, source: '{ _service { sdl } }' });
    const sdl = (r.data?._service as { sdl: string }).sdl;
    expectOneDocument(sdl);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.');
    const queryBlock = /^type Query[^{]*\{([\s\S]*?)^\}/m.exec(sdl)?.[1] ?? '';
    for (const field of Object.keys(schema.getQueryType()?.getFields() ?? {}).filter(
      (f) => !f.startsWith('_'),
    ))
      expect(queryBlock, field).toMatch(new RegExp(`^\\s+${field}\\b`, 'm'));
  });

  it('npm run schema:print prints one document', () => {
    expectOneDocument(printedSchema());
  });
});
