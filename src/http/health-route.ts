/** Liveness: answers 200 while the process serves HTTP (readiness is `/readyz`, elsewhere). */
import type { Route } from './router.js';
import { sendJson } from './respond.js';

export const healthRoute = (): Route => ({
  path: '/healthz',
  methods: ['GET', 'HEAD'],
  handle: ({ res }) => sendJson(res, 200, { status: 'ok' }),
});
