/**
 * A whole gateway in its own process for the two-process test: `createGateway(loadConfig({ READ_MODEL: 'off', ...env }))`
 * exactly as `npm start` builds it against a Gong company, here the test's sandbox, with the
 * shared redis-server. Input: one JSON argument (the environment); output: one JSON line with
 * the GraphQL URL. SIGTERM closes it.
 */
import { createGateway } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/config.js';
import { silentLogger } from '../../../src/observability/logger.js';

const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const gateway = await createGateway(loadConfig({ READ_MODEL: 'off', ...env }), {
  logger: silentLogger(),
});
process.stdout.write(`${JSON.stringify({ url: gateway.url })}\n`);

process.once('SIGTERM', () => {
  void gateway.close().finally(() => process.exit(0));
});
