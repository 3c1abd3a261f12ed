/**
 * OpenTelemetry traces, off unless configured (docs/operations.md, "Traces"). `startTracing` runs
 * the SDK for Node with the standard OTEL_* variables: W3C trace context in and out, spans for the
 * HTTP server (the maintained http instrumentation) and Redis (the maintained ioredis one). The
 * gateway's own spans (GraphQL, resolvers that reach Gong, the budget wait, each upstream attempt,
 * webhook intake) use `tracer` from the API, which costs nothing while no SDK is registered.
 * Metrics stay on Prometheus: the SDK starts no metrics or logs export.
 */
import { createRequire } from 'node:module';
import {
  context,
  createContextKey,
  propagation,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import type { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/config.js';

/** The gateway's tracer: a no-op until an SDK registers a provider. */
export const tracer = (): Tracer => trace.getTracer('gong-gateway');

type TracingConfig = Pick<
  Config,
  | 'OTEL_SDK_DISABLED'
  | 'OTEL_TRACES_EXPORTER'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  | 'OTEL_SERVICE_NAME'
>;

/** Where spans go, or undefined when tracing is off: an explicit exporter, else an OTLP endpoint. */
export function traceExport(
  config: TracingConfig,
): { kind: 'console' } | { kind: 'otlp'; url: string; json: boolean } | undefined {
  if (config.OTEL_SDK_DISABLED) return undefined;
  const url =
    config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT && `${config.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`);
  const exporter = config.OTEL_TRACES_EXPORTER ?? (url ? 'otlp' : 'none');
  if (exporter === 'none') return undefined;
  if (exporter === 'console') return { kind: 'console' };
  const protocol = config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL;
  // The specification's default endpoint for OTLP over HTTP.
  return {
    kind: 'otlp',
    url: url ?? 'http://localhost:4318/v1/traces',
    json: protocol === 'http/json',
  };
}

export interface Tracing {
  /** Exports what is buffered and unregisters everything, so a later start begins clean. */
  shutdown(): Promise<void>;
}

/**
 * One set per process: an instrumentation hooks `require` once, so a later start (tests start and
 * stop tracing more than once) must enable the same instances again to re-apply their patches.
 */
let patchers: [HttpInstrumentation, IORedisInstrumentation] | undefined;

/** Paths that would fill traces with probes. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Starts the SDK when the configuration asks for traces. Call it before the gateway is created:
 * the http instrumentation patches servers created afterwards. The SDK is loaded only then (its
 * modules take about two seconds to load, which a gateway without tracing does not pay).
 */
export async function startTracing(config: TracingConfig): Promise<Tracing | undefined> {
  const target = traceExport(config);
  if (!target) return undefined;
  const [{ NodeSDK }, { HttpInstrumentation }, { IORedisInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const exporter: SpanExporter =
    target.kind === 'console'
      ? new (await import('@opentelemetry/sdk-trace-base')).ConsoleSpanExporter()
      : target.json
        ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({
            url: target.url,
          })
        : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({
            url: target.url,
          });
  const instrumentations = (patchers ??= [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      // Gong is reached with fetch; its attempts get their own spans (src/gong/transport.ts).
      disableOutgoingRequestInstrumentation: true,
    }),
    // Only commands made for a traced request: the pollers' and readers' loops would flood traces.
    // Commands without their arguments: values are tenants' data, and scripts are long.
    new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (cmd) => cmd }),
  ]);
  const sdk = new NodeSDK({
    serviceName: config.OTEL_SERVICE_NAME,
    traceExporter: exporter,
    instrumentations,
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // The SDK enables only instrumentations that are off by configuration; a reused one was
  // disabled by an earlier shutdown.
  for (const i of instrumentations) i.enable();
  // This is an ES module: `http` and `ioredis` were imported without `require`, which is what the
  // instrumentations hook. Requiring them now (from the module cache) lets them patch the shared
  // exports and prototypes, which ES imports see too.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('ioredis');
  return {
    async shutdown() {
      await sdk.shutdown();
      for (const i of instrumentations) i.disable();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** A resolver running now, whose span is made only if it reaches Gong. */
interface PendingResolver {
  name: string;
  /** Computed only for the few resolvers that get a span. */
  attributes: () => Record<string, string>;
  parent: Context;
  startTime: number;
  span?: Span;
  done: boolean;
}

const RESOLVER = createContextKey('gong-gateway resolver');

/**
 * Runs a resolver with its span pending: most resolvers read fields of data already fetched, and a
 * span for each would drown the few that matter. `upstreamContext` makes the span, started at the
 * resolver's start, when the resolver's work first reaches Gong; it ends when the resolver settles.
 */
export function withPendingResolver<T>(
  parent: Context,
  name: string,
  attributes: () => Record<string, string>,
  run: () => T,
): T {
  const pending: PendingResolver = {
    name,
    attributes,
    parent,
    startTime: Date.now(),
    done: false,
  };
  const end = () => {
    pending.done = true;
    pending.span?.end();
  };
  const result = context.with(parent.setValue(RESOLVER, pending), run);
  if (result instanceof Promise)
    return result.then(
      (v: unknown) => (end(), v),
      (e: unknown) => {
        if (pending.span) markFailed(pending.span, e);
        end();
        throw e;
      },
    ) as T;
  end();
  return result;
}

/** The context an upstream request starts in: its resolver's span, made now if still pending. */
export function upstreamContext(): Context {
  const active = context.active();
  const pending = active.getValue(RESOLVER) as PendingResolver | undefined;
  if (!pending) return active;
  if (!pending.span) {
    pending.span = tracer().startSpan(
      pending.name,
      { startTime: pending.startTime, attributes: pending.attributes() },
      pending.parent,
    );
    if (pending.done) pending.span.end();
  }
  return trace.setSpan(active, pending.span);
}

/** Records a failure on a span: the exception (an Error's message and stack) and an error status. */
export function markFailed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : { message: describe(error) });
  span.setStatus({ code: SpanStatusCode.ERROR });
}

const describe = (v: unknown): string =>
  typeof v === 'string' ? v : (JSON.stringify(v) ?? typeof v);

/** Runs `run` inside a span of its own (a child of whatever is active); a throw marks it failed. */
export function inSpan<T>(
  name: string,
  attributes: Record<string, string>,
  run: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await run(span);
    } catch (e) {
      markFailed(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}
