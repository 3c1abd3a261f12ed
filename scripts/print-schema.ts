/**
 * Prints the gateway's API schema as one SDL document (one `type Query`, `Mutation` and
 * `Subscription`, federation scalars included) for client codegen without introspection.
 * `npm run schema:print` writes `schema.graphql` at the repository root; `-- --stdout` prints it.
 */
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { buildGatewaySchema } from '../src/graphql/schema.js';

export function printedSchema(): string {
  return `${printSchema(buildGatewaySchema())}\n`;
}

if (
  process.argv[1] &&
  import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, '/scripts/'))
) {
  const sdl = printedSchema();
  if (process.argv.includes('--stdout')) process.stdout.write(sdl);
  else {
    const path = new URL('../schema.graphql', import.meta.url);
    writeFileSync(path, sdl);
    process.stdout.write(`wrote ${path.pathname}\n`);
  }
}
