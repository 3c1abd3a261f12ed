import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCors } from '../../src/http/cors.js';

describe('CORS', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(
      withCors((_req, res) => res.writeHead(200).end('ok'), {
        origins: ['https://app.example.com'],
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });

  it('answers a preflight from a listed origin', async () => {
    const res = await preflight('https://app.example.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-gong-connection');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('allows the trace context headers OpenTelemetry web and Sentry add to each fetch', async () => {
    const res = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'traceparent,tracestate,baggage,sentry-trace',
      },
    });
    expect(res.status).toBe(204);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(['traceparent', 'tracestate', 'baggage', 'sentry-trace']),
    );
  });

  it('refuses a preflight from any other origin and gives it no CORS headers on requests', async () => {
    const res = await preflight('https://evil.example.com');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(url, { headers: { origin: 'https://evil.example.com' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const good = await fetch(url, { headers: { origin: 'https://app.example.com' } });
    expect(good.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('allows no origin at all by default', async () => {
    const closed = createServer(withCors((_req, res) => res.writeHead(200).end(), { origins: [] }));
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(closed.address() as AddressInfo).port}/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(403);
    await new Promise<void>((r) => closed.close(() => r()));
  });
});
