/**
 * Spans of the requests the gateway sends to Gong: one per request (its budget wait and attempts
 * are children) and one per attempt, which carries the W3C trace context to Gong in its headers.
 * Attribute names follow OpenTelemetry's HTTP client conventions.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { markFailed, tracer, upstreamContext } from './tracing.js';

/** What one attempt came to: Gong's status, or why there was none. */
export interface AttemptSummary {
  status?: number;
  error?: string;
}

/** Runs one request to Gong inside its span, parented by the resolver (or route) that needs it. */
export function requestSpan<T>(
  what: { connection: string; method: string; endpoint: string },
  run: () => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    `gong ${what.endpoint}`,
    {
      attributes: {
        'gong.connection': what.connection,
        'gong.endpoint': what.endpoint,
        'http.request.method': what.method,
      },
    },
    upstreamContext(),
    async (span) => {
      try {
        return await run();
      } catch (e) {
        markFailed(span, e);
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * One HTTP attempt: `send` gets the `traceparent`/`tracestate` headers to add, so Gong (or a proxy
 * in front of it) sees the attempt as the parent of its own work.
 */
export async function attemptSpan<T>(
  what: { method: string; url: string; endpoint: string; resends: number },
  send: (traceHeaders: Record<string, string>) => Promise<T>,
  facts: (outcome: T) => AttemptSummary,
): Promise<T> {
  const url = new URL(what.url);
  const span = tracer().startSpan(`${what.method} ${what.endpoint}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': what.method,
      'server.address': url.hostname,
      'url.path': url.pathname,
      'gong.endpoint': what.endpoint,
      ...(what.resends > 0 ? { 'http.request.resend_count': what.resends } : {}),
    },
  });
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  try {
    const outcome = await send(headers);
    const f = facts(outcome);
    if (f.status !== undefined) span.setAttribute('http.response.status_code', f.status);
    if (f.error !== undefined) span.setAttribute('error.type', f.error);
    if (f.error !== undefined || (f.status ?? 0) >= 500)
      span.setStatus({ code: SpanStatusCode.ERROR });
    return outcome;
  } finally {
    span.end();
  }
}

/** The wait of one request for its connection's budget (the 3/s window, the daily budget, a 429 pause). */
export interface WaitSpan {
  /** Ends the wait: a start was granted, or `error` (deadline, shutdown, abort). */
  end(error?: unknown): void;
}

export function budgetWaitSpan(connection: string, priority: string, queued: number): WaitSpan {
  const span = tracer().startSpan('gong budget wait', {
    attributes: {
      'gong.connection': connection,
      'gong.priority': priority,
      'gong.queue.waiting': queued,
    },
  });
  return {
    end(error) {
      if (error !== undefined) markFailed(span, error);
      span.end();
    },
  };
}
