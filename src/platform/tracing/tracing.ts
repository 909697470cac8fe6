import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

const TRACER = 'commerce-api';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard OTEL_*
 * variables configure the exporter). It must run before the modules it instruments (http,
 * express, pg, ioredis, redis) are loaded, which is why main.ts calls it before importing the app.
 */
export async function startTracing(endpoint: string | undefined, serviceName: string): Promise<boolean> {
  if (!endpoint || sdk) return Boolean(sdk);
  // Loaded only when tracing is on: the SDK, exporters and instrumentations are about 850 modules,
  // a quarter of what the app loads, and loading them was the largest item of a start-up profile.
  const { createTracingSdk } = await import('./tracing-sdk.js');
  sdk = createTracingSdk(serviceName);
  sdk.start();
  return true;
}

/** Flushes and stops the exporter (on shutdown, so the last spans are not lost). */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

/** `{ traceId, spanId }` of the active span, for log lines; empty when tracing is off. */
export function activeTraceFields(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/** The W3C `traceparent` of the active span (to carry into an event), or undefined. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in a span that continues the trace of `traceparent` (an event's publisher), so a
 * saga that crosses queues and processes stays one trace. A no-op span when tracing is off.
 */
export function withSpanFrom<T>(
  traceparent: string | undefined,
  name: string,
  attributes: Record<string, string>,
  work: () => Promise<T>,
): Promise<T> {
  const parent = traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
  return trace
    .getTracer(TRACER)
    .startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, async (span: Span) => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
}
