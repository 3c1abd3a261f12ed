/**
 * A gateway in its own process, for measuring its heap: run with `node --expose-gc --import tsx`
 * and an IPC channel. It prints nothing; it sends `{ ready, url, webhookUrl }` once listening and
 * answers `'heap'` with the heap used after two forced collections, and `'close'` by exiting.
 * The configuration comes from the JSON in argv[2].
 */
import { startEventGateway, startEventSandbox } from '../events/gateway-start.js';

const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('run with --expose-gc and an IPC channel');
const send = process.send.bind(process);

const sandbox = await startEventSandbox();
const gw = await startEventGateway(sandbox, env);
const openSubscriptions = () => gw.openSubscriptions();

process.on('message', (m: unknown) => {
  void (async () => {
    if (m === 'heap') {
      gc();
      await new Promise((r) => setImmediate(r));
      gc();
      send({ heap: process.memoryUsage().heapUsed, open: await openSubscriptions() });
    } else if (m === 'open') send({ open: await openSubscriptions() });
    else if (m === 'close') {
      await gw.close();
      await sandbox.close();
      process.exit(0);
    }
  })();
});
send({ ready: true, url: gw.gateway.url, webhookUrl: gw.webhookUrl() });
