/**
 * `npm run sandbox`: the Gong sandbox as a standalone server. An entry point, so it reads the
 * environment (through loadConfig, like every entry point) and prints how to reach it.
 */
import { createServer } from 'node:net';
import { ConfigError, loadConfig } from '../config/config.js';
import { startSandbox } from './index.js';
import { sandboxOptionsFromConfig } from './options-from-config.js';

/** The first port from `from` on that is free on `host` (the tenant listener sits next to the API). */
async function nextFreePort(host: string, from: number): Promise<number> {
  for (let port = from; port < from + 100 && port <= 65535; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, host, () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return 0;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const host = '127.0.0.1';
  const sb = await startSandbox({
    host,
    port: config.SANDBOX_PORT,
    tenantPort: config.SANDBOX_PORT === 0 ? 0 : await nextFreePort(host, config.SANDBOX_PORT + 1),
    ...sandboxOptionsFromConfig(config),
  });
  const basic = Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64');
  process.stdout.write(
    [
      'Gong sandbox is running.',
      `  API base URL (like https://api.gong.io):     ${sb.url}`,
      `  Tenant URL (api_base_url_for_customer):     ${sb.tenantUrl}`,
      `  Access key / secret:                        ${sb.accessKey} / ${sb.accessKeySecret}`,
      `  OAuth client id / secret:                   ${sb.oauth.clientId} / ${sb.oauth.clientSecret}`,
      `  OAuth authorize / token URLs:               ${sb.oauth.authorizeUrl}  ${sb.oauth.tokenUrl}`,
      `  Control API:                                ${sb.url}/__sandbox/ (see docs/sandbox.md)`,
      '',
      'Try:',
      `  curl -s -H 'Authorization: Basic ${basic}' ${sb.url}/v2/users`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    void sb.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `${e instanceof ConfigError ? `Invalid configuration:\n${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
