/**
 * `NODE_ENV=production` (the Docker image's default) without Gong credentials refuses to start
 * with a message naming the variables, instead of each replica serving its own embedded sandbox.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../..', import.meta.url),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (b: Buffer) => (output += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
    proc.once('exit', (code) => resolve({ code, output }));
  });
}

describe('production start-up', () => {
  it('without Gong credentials exits 1 naming what to set, before serving anything', async () => {
    const r = await runMain({ NODE_ENV: 'production', PORT: '0', GATEWAY_API_KEYS: 'k' });
    expect(r.code).toBe(1);
    expect(r.output).toContain('GONG_ACCESS_KEY');
    expect(r.output).toContain('GONG_OAUTH_CLIENT_ID');
    expect(r.output).not.toContain('GraphQL: http');
  });
});
