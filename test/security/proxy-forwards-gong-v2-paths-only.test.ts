/**
 * Proxy path traversal held: only `/proxy/v2/<endpoint>` reaches Gong. Sent over a raw socket, so
 * dot segments and encoded slashes arrive exactly as an attacker writes them (fetch would
 * normalise `..` away), including the sandbox's control API and Gong's OAuth endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startWritesHarness, type WritesHarness } from '../writes/harness.js';
import { rawRequest } from './support.js';

describe('proxy paths', () => {
  let h: WritesHarness;
  beforeAll(async () => {
    h = await startWritesHarness();
  });
  afterAll(() => h?.close());

  it('refuses every path outside /v2 with 400 and sends nothing upstream', async () => {
    const port = Number(new URL(h.origin).port);
    h.sandbox.control.resetLog();
    for (const path of [
      '/proxy/v2/../__sandbox/calls/end',
      '/proxy/v2/%2e%2e/oauth2/generate-customer-token',
      '/proxy/v2/users%2F..%2F..%2F__sandbox',
      '/proxy/v2/..%5c__sandbox',
      '/proxy/v2//users',
      '/proxy/oauth2/authorize',
      '/proxy/__sandbox/calls/end',
      '/proxy/v2',
    ]) {
      const a = await rawRequest(
        port,
        `GET ${path} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${API_KEY}\r\nConnection: close\r\n\r\n`,
      );
      a.socket.destroy();
      expect({ path, status: a.status }).toEqual({ path, status: 400 });
    }
    expect(h.sandbox.control.requestLog()).toEqual([]);
  });
});
