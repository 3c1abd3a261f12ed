/**
 * `NODE_ENV=production` (the Docker image's default) without Gong credentials refuses to start
 * with a message naming the variables, instead of each replica serving its own embedded sandbox.
 */
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/gateway-process.js';

describe('production start-up', () => {
  it('without Gong credentials exits 1 naming what to set, before serving anything', async () => {
    const r = await runMain({ NODE_ENV: 'production', PORT: '0', GATEWAY_API_KEYS: 'k' });
    expect(r.code).toBe(1);
    expect(r.output).toContain('GONG_ACCESS_KEY');
    expect(r.output).toContain('GONG_OAUTH_CLIENT_ID');
    expect(r.output).not.toContain('GraphQL: http');
  });
});
