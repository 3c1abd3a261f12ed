/**
 * A second gateway process for the two-process test: its own ioredis client and GongClients,
 * the shared redis-server and sandbox. Input: one JSON argument; output: one JSON line.
 */
import { Redis } from 'ioredis';
import { createAccessKeyRegistry } from '../../../src/connections/access-key.js';
import { createGongClients } from '../../../src/gong/clients.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { testLimits } from './clients.js';

interface Input {
  redisUrl: string;
  keyPrefix: string;
  baseUrl: string;
  accessKey: string;
  accessKeySecret: string;
  ids: string[];
  startAt: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const redis = new Redis(input.redisUrl, { maxRetriesPerRequest: 1 });
const clients = createGongClients({
  registry: createAccessKeyRegistry({ baseUrl: input.baseUrl, accessKey: input.accessKey, accessKeySecret: input.accessKeySecret }),
  redis,
  keyPrefix: input.keyPrefix,
  limits: testLimits,
  metrics: createMetrics(),
  logger: silentLogger(),
});
await new Promise<void>((r) => (redis.status === 'ready' ? r() : redis.once('ready', () => r())));
await new Promise((r) => setTimeout(r, Math.max(0, input.startAt - Date.now())));
const gong = clients.client('default');
const results = await Promise.allSettled(input.ids.map((id) => gong.getUser(id)));
process.stdout.write(
  `${JSON.stringify({ ok: results.filter((r) => r.status === 'fulfilled' && r.value?.id).length, failed: results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)) })}\n`,
);
await clients.close();
redis.disconnect();
