import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';
import { makeClients, maxArrivalsInWindow } from './support/clients.js';

const worker = fileURLToPath(new URL('./support/burst-worker.ts', import.meta.url));

function runWorker(input: unknown): Promise<{ ok: number; failed: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited with ${code}: ${err}`));
      resolve(JSON.parse(out.trim()) as { ok: number; failed: string[] });
    });
  });
}

describeRedis('two gateway processes', () => {
  let sb: Sandbox;
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
    sb = await startSandbox({ users: 40, calls: 10, rateLimit: { perSecond: 3, perDay: 10_000 } });
  });
  afterAll(async () => {
    await sb.close();
    await server.stop();
  });

  it('share one budget through redis: 2 × 12 concurrent requests, never more than 3 arrivals per 1 s, no 429', async () => {
    const boot = makeClients(sb);
    const ids = (await boot.client('default').listUsers()).items.map((u) => u.id);
    await boot.close();
    await new Promise((r) => setTimeout(r, 1200));
    sb.control.resetRateLimit();
    sb.control.resetLog();
    const common = { redisUrl: server.url, keyPrefix: 'procs:', baseUrl: sb.url, accessKey: sb.accessKey, accessKeySecret: sb.accessKeySecret, startAt: Date.now() + 4000 };
    const [a, b] = await Promise.all([runWorker({ ...common, ids: ids.slice(0, 12) }), runWorker({ ...common, ids: ids.slice(12, 24) })]);
    expect(a).toEqual({ ok: 12, failed: [] });
    expect(b).toEqual({ ok: 12, failed: [] });
    const log = sb.control.requestLog();
    expect(log.length).toBe(24);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(maxArrivalsInWindow(log, 1000)).toBeLessThanOrEqual(3);
  }, 40_000);
});
