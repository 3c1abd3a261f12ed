/**
 * Child-process entry: runs one server under test (gateway, bare Apollo or sandbox) alone in its
 * process, so CPU and memory figures are that server's and not the load generator's. Spoken to
 * over IPC: `stats` (optionally after a GC) and `stop`. Started by ./spawn.ts.
 */
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { startBareServer } from '../baselines/bare-server.js';
import { startBareViewServer } from '../baselines/bare-view-server.js';
import type { ChildInfo, ChildRequest, ChildStats, ServerSpec } from './spawn.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;

async function start(): Promise<{
  info: ChildInfo;
  subscriptions: () => Promise<number>;
  upstream?: () => number;
  close: () => Promise<void>;
}> {
  if (spec.kind === 'gateway') {
    const gateway = await createGateway(loadConfig({ READ_MODEL: 'off', ...spec.env }), {
      logger: silentLogger(),
    });
    return {
      info: { url: gateway.url, port: gateway.port },
      subscriptions: async () =>
        (await gateway.metrics.openSubscriptions.get()).values.reduce((n, v) => n + v.value, 0),
      close: () => gateway.close(),
    };
  }
  if (spec.kind === 'bare') {
    const bare = await startBareServer();
    return {
      info: { url: bare.url, port: Number(new URL(bare.url).port) },
      subscriptions: () => Promise.resolve(0),
      close: () => bare.close(),
    };
  }
  if (spec.kind === 'bare-view') {
    const bare = await startBareViewServer(spec.answer);
    return {
      info: { url: bare.url, port: Number(new URL(bare.url).port) },
      subscriptions: () => Promise.resolve(0),
      close: () => bare.close(),
    };
  }
  const sandbox = await startSandbox(spec.options);
  return {
    info: {
      url: sandbox.url,
      port: Number(new URL(sandbox.url).port),
      accessKey: sandbox.accessKey,
      accessKeySecret: sandbox.accessKeySecret,
    },
    subscriptions: () => Promise.resolve(0),
    upstream: () =>
      Object.entries(sandbox.control.counters()).reduce(
        (n, [k, v]) => (k.includes(' /v2/') ? n + v : n),
        0,
      ),
    close: () => sandbox.close(),
  };
}

const running = await start();
process.send?.({ type: 'ready', info: running.info });
process.on('message', (m: ChildRequest) => {
  void (async () => {
    if (m.type === 'stop') {
      await running.close();
      process.exit(0);
    }
    if (m.gc && typeof globalThis.gc === 'function') globalThis.gc();
    const stats: ChildStats = {
      cpu: process.cpuUsage(),
      mem: process.memoryUsage(),
      subscriptions: await running.subscriptions(),
      upstream: running.upstream?.() ?? 0,
    };
    process.send?.({ type: 'stats', id: m.id, stats });
  })();
});
// The parent owns this process: if it goes away, so do we.
process.on('disconnect', () => process.exit(0));
