/**
 * `npm start`. Without Gong credentials it embeds the sandbox in-process and serves it as
 * connection `default`; with GONG_ACCESS_KEY + GONG_ACCESS_KEY_SECRET it serves that company at
 * GONG_API_BASE_URL. An entry point: the only place besides other entry points that reads the
 * environment (through loadConfig).
 */
import type { Gateway } from './app.js';
import {
  ConfigError,
  embeddedSandboxRefusal,
  loadConfig,
  usesEmbeddedSandbox,
  type Config,
} from './config/config.js';
import { listenFailure } from './lifecycle/listen-errors.js';
import { createShutdown, installSignalHandlers } from './lifecycle/shutdown.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { startTracing, traceExport } from './observability/tracing.js';
import type { Sandbox } from './sandbox/types.js';

/** The subscription printed at start-up (and in the README). */
export const FIRST_SUBSCRIPTION =
  'subscription { gongCallCreated { eventId call { id title started primaryUser { emailAddress } } } }';

/** The query printed at start-up (and the README's first query). */
export const FIRST_QUERY = `{
  gongCalls(first: 3) {
    totalCount
    nodes { id title started primaryUser { firstName lastName } workspace { name } }
  }
}`;

/** Where traces go, when they are on (docs/operations.md, "Traces"). */
function tracesLine(config: Config): string[] {
  const target = traceExport(config);
  if (!target) return [];
  return [
    target.kind === 'console'
      ? 'Traces: printed to stdout'
      : `Traces: OTLP ${target.json ? 'http/json' : 'http/protobuf'} to ${target.url}`,
  ];
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`Configuration error:\n${e.message}\n`);
    process.exit(1);
  }
  const refusal = embeddedSandboxRefusal(config);
  if (refusal !== undefined) {
    process.stderr.write(`Configuration error:\n${refusal}\n`);
    process.exit(1);
  }
  // The gateway and the sandbox load only once the configuration holds: a refusal above exits
  // without loading them (about 0.8 s of CPU).
  const [{ createGateway }, { startSandbox }, { sandboxOptionsFromConfig }] = await Promise.all([
    import('./app.js'),
    import('./sandbox/index.js'),
    import('./sandbox/options-from-config.js'),
  ]);
  const logger = createLogger({ level: config.LOG_LEVEL });
  // Before anything listens: the http instrumentation traces servers created after it starts.
  const tracing = await startTracing(config);
  let sandbox: Sandbox | undefined;
  if (usesEmbeddedSandbox(config)) {
    sandbox = await startSandbox(sandboxOptionsFromConfig(config));
  }
  // Embedded mode does what a Gong admin does by hand (docs/customer-guide.md): the sandbox's
  // signed automation rule posts to our webhook route, so gongCallCreated works out of the box.
  if (sandbox && config.GONG_WEBHOOK_PUBLIC_KEY === undefined)
    config = { ...config, GONG_WEBHOOK_PUBLIC_KEY: sandbox.control.webhookPublicKey() };
  let gateway: Gateway;
  try {
    gateway = await createGateway(config, {
      sandbox,
      logger,
      metrics: createMetrics({ defaultMetrics: true }),
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      // What only start-up can check (PERSISTED_DOCUMENTS_PATH's manifest): one line naming it.
      process.stderr.write(`Cannot start: ${e.message}\n`);
      process.exit(1);
    }
    const why = listenFailure(e, 'PORT', config.PORT);
    if (why === undefined) throw e;
    process.stderr.write(`Cannot start: ${why}\n`);
    process.exit(1);
  }
  const webhookUrl = `${config.publicUrl}/webhooks/gong/default`;
  const wired = sandbox !== undefined && (config.PUBLIC_URL !== undefined || config.PORT !== 0);
  if (wired) sandbox!.control.addWebhookRule({ targetUrl: webhookUrl });
  const mode = sandbox
    ? `embedded Gong sandbox at ${sandbox.url}`
    : `Gong company at ${config.GONG_API_BASE_URL} (connection "default")`;
  process.stdout.write(
    [
      `gong-gateway: serving the ${mode}`,
      `GraphQL: ${gateway.url}`,
      ...tracesLine(config),
      'A first query to paste:',
      FIRST_QUERY,
      `curl -s ${gateway.url} -H 'content-type: application/json' -d '${JSON.stringify({ query: FIRST_QUERY.replace(/\s+/g, ' ') })}'`,
      ...(wired
        ? [
            `A first subscription (graphql-ws on ${gateway.url.replace(/^http/, 'ws')}): ${FIRST_SUBSCRIPTION}`,
            `Make a call end in the sandbox; its webhook reaches ${webhookUrl} after processing (${config.SANDBOX_PROCESSING_DELAY_MS} ms):`,
            `curl -s -X POST ${sandbox!.url}/__sandbox/calls/end -H 'content-type: application/json' -d '{}'`,
          ]
        : []),
      '',
    ].join('\n'),
  );

  // SIGTERM/SIGINT/SIGHUP: stop accepting, drain HTTP, close WebSockets with 1001, exit 0 (src/lifecycle/shutdown.ts).
  const shutdown = createShutdown({
    server: gateway.server,
    goingAway: () => gateway.goingAway(),
    close: async () => {
      await gateway.close();
      await sandbox?.close();
      await tracing?.shutdown();
    },
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
  installSignalHandlers(shutdown, { logger });
}

await main();
