/**
 * OpenTelemetry, as a platform team runs it: the SDK started from OTEL_* variables exports to an
 * OTLP receiver in the test (http/json, then http/protobuf). A query sent with the client's
 * `traceparent` produces spans that share its trace id: the HTTP request, GraphQL parse, validate
 * and execute, the resolver that reached Gong, the budget wait, the upstream attempt (with Gong's
 * status) and a Redis command; Gong (the sandbox) received a `traceparent` naming that attempt. A
 * retried attempt says so; with no OTEL_* variable nothing starts.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startTracing, traceExport, type Tracing } from '../../src/observability/tracing.js';
import { makeClients } from '../gong/support/clients.js';
import { startHarness, type Harness } from '../read/harness.js';
import { describeRedis, startRedis, type RedisServer } from '../support/redis.js';

interface Received {
  contentType: string;
  body: Buffer;
}

/** An OTLP/HTTP receiver: keeps every POST to /v1/traces. */
async function otlpReceiver(): Promise<{ url: string; received: Received[]; close(): void }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces')
        received.push({
          contentType: req.headers['content-type'] ?? '',
          body: Buffer.concat(chunks),
        });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => server.close(),
  };
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: AnyValue }[];
  status?: { code?: number };
}
interface OtlpJson {
  resourceSpans: {
    resource: { attributes: { key: string; value: AnyValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const SERVER = 2;
const CLIENT = 3;

const attr = (s: OtlpSpan, key: string): string | number | boolean | undefined => {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? v?.boolValue : Number(v.intValue));
};

function spansOf(received: Received[]): { spans: OtlpSpan[]; services: Set<unknown> } {
  const spans: OtlpSpan[] = [];
  const services = new Set<unknown>();
  for (const r of received) {
    const body = JSON.parse(r.body.toString('utf8')) as OtlpJson;
    for (const rs of body.resourceSpans) {
      services.add(rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue);
      for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    }
  }
  return { spans, services };
}

/** A client's W3C trace context: a fresh trace id and the client's span id. */
function clientContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const QUERY = '{ gongCalls(first: 2) { nodes { id title primaryUser { emailAddress } } } }';

describeRedis('OpenTelemetry traces', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let redis: RedisServer;
  let h: Harness;
  let tracing: Tracing | undefined;
  const env = (protocol: string) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_SERVICE_NAME: 'gateway-under-test',
  });

  beforeAll(async () => {
    [receiver, redis] = await Promise.all([otlpReceiver(), startRedis()]);
    // As src/main.ts does: the SDK first, then the servers it traces.
    tracing = await startTracing(loadConfig(env('http/json')));
    h = await startHarness({
      sandbox: { users: 10, calls: 30 },
      env: {
        ...env('http/json'),
        REDIS_URL: redis.url,
        TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      },
    });
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await h?.close();
    await redis?.stop();
    receiver?.close();
  });

  it('a query continues the client trace from the HTTP request to Gong (http/json)', async () => {
    const client = clientContext();
    h.reset();
    const r = await h.gql(QUERY, {}, { traceparent: client.traceparent, tracestate: 'app=1' });
    expect(r.errors).toBeUndefined();
    await tracing!.shutdown();
    tracing = undefined;

    expect(receiver.received.every((x) => x.contentType.startsWith('application/json'))).toBe(true);
    const { spans: all, services } = spansOf(receiver.received);
    expect(services).toContain('gateway-under-test');
    const spans = all.filter((s) => s.traceId === client.traceId);
    const named = (name: string) => spans.filter((s) => s.name === name);

    // The gateway's HTTP span is the child of the client's span.
    const http = spans.find((s) => s.kind === SERVER && s.parentSpanId === client.spanId);
    expect(http).toBeDefined();
    expect(attr(http!, 'url.path')).toBe('/graphql');
    for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute'])
      expect(named(phase), phase).toHaveLength(1);
    const execute = named('graphql.execute')[0]!;
    expect(attr(execute, 'graphql.operation.type')).toBe('query');

    // Only resolvers that reached Gong have spans, under the execute span.
    const resolvers = spans.filter((s) => s.name.startsWith('resolve '));
    expect(resolvers.map((s) => s.name)).toContain('resolve Query.gongCalls');
    for (const s of resolvers) expect(s.parentSpanId).toBe(execute.spanId);
    expect(resolvers.map((s) => s.name)).not.toContain('resolve GongCall.title');

    // Each Gong request: a span with its budget wait and its attempt.
    const attempts = spans.filter((s) => s.kind === CLIENT && attr(s, 'gong.endpoint'));
    expect(attempts.length).toBeGreaterThanOrEqual(2); // calls, then the users batch
    for (const a of attempts) expect(attr(a, 'http.response.status_code')).toBe(200);
    const requests = new Set(attempts.map((a) => a.parentSpanId));
    for (const id of requests) {
      const request = spans.find((s) => s.spanId === id)!;
      expect(request.name).toMatch(/^gong /);
      expect(spans.some((s) => s.name === 'gong budget wait' && s.parentSpanId === id)).toBe(true);
    }
    // The budget lives in Redis here: its script runs inside the trace.
    const redisSpans = spans.filter((s) => attr(s, 'db.system.name') === 'redis');
    expect(redisSpans.length).toBeGreaterThan(0);
    // Commands, not their arguments (the budget script would fill every span).
    for (const s of redisSpans) expect(attr(s, 'db.query.text')).toMatch(/^[a-z]+$/);

    // The in-process sandbox's own server spans hang under the attempts that reached it.
    for (const a of attempts)
      expect(spans.some((s) => s.kind === SERVER && s.parentSpanId === a.spanId)).toBe(true);

    // Gong received each attempt's context: same trace, the attempt as parent.
    const upstream = h.upstream();
    expect(upstream.length).toBe(attempts.length);
    for (const e of upstream) {
      const [, traceId, parentId] = (e.traceparent ?? '').split('-');
      expect(traceId).toBe(client.traceId);
      expect(attempts.map((a) => a.spanId)).toContain(parentId);
    }
  });

  it('http/protobuf exports the same trace; a retried attempt carries its resend count', async () => {
    receiver.received.length = 0;
    tracing = await startTracing(loadConfig(env('http/protobuf')));
    const client = clientContext();
    await h.gql(QUERY, {}, { traceparent: client.traceparent });

    // A 500 then a 200, through a client with millisecond backoffs, inside a span of the test's.
    const clients = makeClients(h.sandbox, { limits: { retryBaseMs: 1, retryMaxMs: 2 } });
    h.sandbox.control.addFault({ kind: { type: 'status', status: 500 }, count: 1 });
    const retried = clientContext();
    const parent = propagation.extract(context.active(), { traceparent: retried.traceparent });
    await context.with(parent, () => clients.client('default').listWorkspaces());
    await clients.close();
    await tracing!.shutdown();
    tracing = undefined;

    expect(receiver.received.length).toBeGreaterThan(0);
    expect(receiver.received.every((x) => x.contentType === 'application/x-protobuf')).toBe(true);
    const bodies = Buffer.concat(receiver.received.map((x) => x.body));
    // Protobuf carries ids as raw bytes.
    expect(bodies.includes(Buffer.from(client.traceId, 'hex'))).toBe(true);
    expect(bodies.includes(Buffer.from(retried.traceId, 'hex'))).toBe(true);
    expect(bodies.includes(Buffer.from('http.request.resend_count'))).toBe(true);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('is off without OTEL_* variables', () => {
    expect(traceExport(loadConfig({}))).toBeUndefined();
    expect(traceExport(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }))).toEqual({
      kind: 'console',
    });
    expect(
      traceExport(
        loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }),
      ),
    ).toBeUndefined();
  });
});
