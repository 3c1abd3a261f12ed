/** REDIS_CLUSTER_NODES: a list of host:port seeds, exclusive with REDIS_URL, and it needs the token key like REDIS_URL. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

const KEY = 'ab'.repeat(32);

describe('REDIS_CLUSTER_NODES', () => {
  it('parses comma-separated host:port seeds', () => {
    const c = loadConfig({
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,redis-c:7002',
      TOKEN_ENCRYPTION_KEY: KEY,
    });
    expect(c.REDIS_CLUSTER_NODES).toEqual(['10.0.0.1:7000', 'redis-b:7001', 'redis-c:7002']);
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('names the variable and the expected form for a seed without a port', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-a', TOKEN_ENCRYPTION_KEY: KEY })).toThrow(
      /REDIS_CLUSTER_NODES: host:port/,
    );
  });

  it('refuses REDIS_URL and REDIS_CLUSTER_NODES together', () => {
    expect(() =>
      loadConfig({
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_CLUSTER_NODES: '127.0.0.1:7000',
        TOKEN_ENCRYPTION_KEY: KEY,
      }),
    ).toThrow(/set one of them/);
  });

  it('requires TOKEN_ENCRYPTION_KEY, as REDIS_URL does', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' })).toThrow(
      /TOKEN_ENCRYPTION_KEY: required when REDIS_CLUSTER_NODES is set/,
    );
  });
});
