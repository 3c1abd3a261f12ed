/**
 * A runnable supergraph on one machine: `npx tsx examples/federation/gateway.ts`.
 *
 * Starts the Gong sandbox, the Gong gateway (our subgraph), the company CRM subgraph seeded from
 * the sandbox tenant, composes both with `@apollo/composition` and serves them through
 * `@apollo/gateway` (the role Apollo Router or Hive Gateway plays in production; see
 * docs/federation.md for their configuration and for subscriptions).
 *
 * An entry point, so it may read the environment: the ports below can be overridden. Their
 * defaults stay clear of `npm start` (4000) and of the stitching example (4010, 4012).
 */
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { listenFailure } from '../../src/lifecycle/listen-errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { accountsFromCalls, startCrmSubgraph } from './crm-subgraph.js';
import { composeSupergraph, createRouter } from './supergraph.js';

const ROUTER_PORT = Number(process.env.ROUTER_PORT ?? 4100);
const CRM_PORT = Number(process.env.CRM_PORT ?? 4101);
const GONG_PORT = process.env.GONG_PORT ?? '4102';

export const EXAMPLE_QUERY = `{
  accounts(first: 5) {
    name
    owner { firstName lastName emailAddress manager { emailAddress } }
    calls { title started transcript { monologues { topic } } }
  }
}`;

/** A taken port ends the example with one line naming the variable that moves it. */
async function listening<T>(variable: string, port: number | string, start: () => Promise<T>) {
  try {
    return await start();
  } catch (e) {
    const why = listenFailure(e, variable, port);
    if (why === undefined) throw e;
    process.stderr.write(`Cannot start: ${why}\n`);
    process.exit(1);
  }
}

const sandbox = await startSandbox({ users: 50, calls: 500 });
const config = loadConfig({ PORT: GONG_PORT, HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
const gong = await listening('GONG_PORT', GONG_PORT, () =>
  createGateway(config, { sandbox, logger: createLogger({ level: 'warn' }) }),
);
const crm = await listening('CRM_PORT', CRM_PORT, () =>
  startCrmSubgraph(accountsFromCalls(sandbox.control.allCalls(), 20), CRM_PORT),
);

const subgraphs = [
  { name: 'gong', url: gong.url },
  { name: 'crm', url: crm.url },
];
const router = createRouter(await composeSupergraph(subgraphs), subgraphs);
const { url } = await listening('ROUTER_PORT', ROUTER_PORT, () =>
  startStandaloneServer(router, { listen: { port: ROUTER_PORT, host: '127.0.0.1' } }),
);

process.stdout.write(
  [
    `Gong sandbox:       ${sandbox.url}`,
    `Gong subgraph:      ${gong.url}`,
    `CRM subgraph:       ${crm.url}`,
    `Supergraph router:  ${url}`,
    '',
    'A query across both subgraphs (at most 4 Gong requests: owners, their managers, calls, transcripts):',
    EXAMPLE_QUERY,
    `curl -s ${url} -H 'content-type: application/json' -d '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'`,
    '',
  ].join('\n'),
);

const stop = async () => {
  await router.stop();
  await crm.close();
  await gong.close();
  await sandbox.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
