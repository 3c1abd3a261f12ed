/**
 * A runnable stitched company gateway: `npx tsx examples/stitching/gateway.ts`.
 *
 * Starts the Gong sandbox and the Gong gateway, seeds an HR employees subschema from Gong's users
 * (matched by work e-mail), stitches both with batched type merging, and serves the result over
 * HTTP (queries, mutations) and graphql-ws (subscriptions: `gongCallCreated` passes through, each
 * event joined with HR data). Stitching is the JavaScript route for subscriptions across a company
 * graph: `@apollo/gateway` cannot execute them (docs/federation.md).
 *
 * An entry point, so it may read the environment: the ports below can be overridden.
 */
import { createServer } from 'node:http';
import { graphql, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import {
  buildEmployeesSchema,
  employeesFromGongUsers,
  type GongUserSeed,
} from './employees-subschema.js';
import {
  employeesSubschema,
  gongExecutor,
  gongSubschema,
  loadGongSchema,
  stitch,
} from './stitched-gateway.js';

const STITCHED_PORT = Number(process.env.STITCHED_PORT ?? 4010);
const GONG_PORT = process.env.GONG_PORT ?? '4012';

export const EXAMPLE_QUERY = `{
  employees { name department gongUser { title manager { emailAddress employee { name } } } }
}`;
export const EXAMPLE_SUBSCRIPTION = `subscription {
  gongCallCreated { call { title primaryUser { emailAddress employee { name department } } } }
}`;

const sandbox = await startSandbox({
  users: 30,
  calls: 300,
  processingDelayMs: 2000,
  transcriptDelayMs: 5000,
});
const publicUrl = `http://127.0.0.1:${GONG_PORT}`;
const config = loadConfig({
  READ_MODEL: 'off',
  PORT: GONG_PORT,
  HOST: '127.0.0.1',
  PUBLIC_URL: publicUrl,
  LOG_LEVEL: 'warn',
  GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey(),
});
const gong = await createGateway(config, { sandbox, logger: createLogger({ level: 'warn' }) });
sandbox.control.addWebhookRule({ targetUrl: `${publicUrl}/webhooks/gong/default` });

const endpoint = { url: gong.url };
const seed = await fetch(gong.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    query: '{ gongUsers(first: 100) { nodes { id emailAddress firstName lastName } } }',
  }),
});
const users =
  ((await seed.json()) as ExecutionResult<{ gongUsers: { nodes: GongUserSeed[] } }>).data?.gongUsers
    .nodes ?? [];
const executor = gongExecutor(endpoint);
const schema = stitch([
  gongSubschema(await loadGongSchema(endpoint), executor.executor),
  employeesSubschema(buildEmployeesSchema(employeesFromGongUsers(users))),
]);

// A deliberately small GraphQL-over-HTTP handler: POST JSON only, no limits (an example, not a product).
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
        query?: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      const result = await graphql({
        schema,
        source: body.query ?? '',
        variableValues: body.variables ?? null,
        operationName: body.operationName ?? null,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    })();
  });
});
const ws = useServer({ schema }, new WebSocketServer({ server, path: '/graphql' }));
await new Promise<void>((resolve) => server.listen(STITCHED_PORT, '127.0.0.1', resolve));

const url = `http://127.0.0.1:${STITCHED_PORT}/graphql`;
process.stdout.write(
  [
    `Gong gateway:      ${gong.url}`,
    `Stitched gateway:  ${url} (graphql-ws on ws://127.0.0.1:${STITCHED_PORT}/graphql)`,
    '',
    'Employees merged with their Gong users (one Gong users request for all of them, one for managers):',
    EXAMPLE_QUERY,
    `curl -s ${url} -H 'content-type: application/json' -d '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'`,
    '',
    'Subscribe (any graphql-ws client), then end a call in the sandbox:',
    EXAMPLE_SUBSCRIPTION,
    `curl -s -X POST ${sandbox.url}/__sandbox/calls/end -H 'content-type: application/json' -d '{"title":"Renewal"}'`,
    '',
  ].join('\n'),
);

const stop = async () => {
  await ws.dispose();
  server.close();
  await executor.dispose();
  await gong.close();
  await sandbox.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
