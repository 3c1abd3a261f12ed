/**
 * `GET /metrics`: the gateway's own prom-client registry in the Prometheus text format. Series are
 * labelled by connection ref, so with METRICS_TOKEN set a scraper must send
 * `Authorization: Bearer <METRICS_TOKEN>`; without it the route is open, for scrapes from inside
 * the network only (docs/operations.md).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { unauthenticated } from '../errors.js';
import type { Route } from './router.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export const metricsRoute = (registry: Registry, token?: string): Route => {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return {
    path: '/metrics',
    methods: ['GET'],
    async handle({ req, res }) {
      // Compared over digests: constant time whatever the header's length.
      if (
        expected !== undefined &&
        !timingSafeEqual(digest(String(req.headers.authorization ?? '')), expected)
      )
        throw unauthenticated('Metrics need Authorization: Bearer <METRICS_TOKEN>');
      const text = await registry.metrics();
      res.writeHead(200, {
        'content-type': registry.contentType,
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
      });
      res.end(text);
    },
  };
};
