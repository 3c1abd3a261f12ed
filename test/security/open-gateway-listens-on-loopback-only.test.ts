/**
 * The newcomer `npm start` listened on 0.0.0.0 with no client auth, so anyone on the network was
 * admin. Without client auth the gateway now binds 127.0.0.1 unless HOST is set, and says so.
 */
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { GATEWAY_TEST_ENV, SANDBOX_TEST_OPTIONS } from '../support/gateway.js';

const addressOf = (g: Gateway) => {
  const a = g.server.address();
  return typeof a === 'object' && a ? a.address : String(a);
};
/** A non-loopback IPv4 address of this machine, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

// createGateway directly: what is under test is the interface it binds from its config alone.
const configWith = (env: Record<string, string | undefined>) =>
  loadConfig({ ...GATEWAY_TEST_ENV, HOST: undefined, ...env });

describe('the listening interface', () => {
  let sandbox: Sandbox;
  const gateways: Gateway[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ ...SANDBOX_TEST_OPTIONS, users: 5, calls: 5 });
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await sandbox?.close();
  });

  it('without client auth and without HOST: 127.0.0.1 only, announced in the log', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()),
    });
    const g = await createGateway(configWith({ LOG_LEVEL: 'info' }), {
      sandbox,
      logger: createLogger({ level: 'info', destination }),
    });
    gateways.push(g);
    expect(addressOf(g)).toBe('127.0.0.1');
    expect(lines.join('')).toMatch(/listens on 127\.0\.0\.1 only; set HOST/);
    if (lanAddress) expect(await reachable(lanAddress, g.port)).toBe(false);
  });

  it('with client auth, or with HOST set, the configured or public interface', async () => {
    const withAuth = await createGateway(configWith({ GATEWAY_API_KEYS: 'host-key' }), {
      sandbox,
      logger: silentLogger(),
    });
    gateways.push(withAuth);
    expect(addressOf(withAuth)).toBe('0.0.0.0');
    const chosen = await createGateway(configWith({ HOST: '0.0.0.0' }), {
      sandbox,
      logger: silentLogger(),
    });
    gateways.push(chosen);
    expect(addressOf(chosen)).toBe('0.0.0.0');
  });
});
