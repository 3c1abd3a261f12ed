/**
 * `GET /metrics`: the gateway's own prom-client registry in the Prometheus text format. Scrape it
 * from inside the network; like `/healthz` it needs no credentials (docs/operations.md).
 */
import type { Registry } from 'prom-client';
import type { Route } from './router.js';

export const metricsRoute = (registry: Registry): Route => ({
  path: '/metrics',
  methods: ['GET'],
  async handle({ res }) {
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(text);
  },
});
