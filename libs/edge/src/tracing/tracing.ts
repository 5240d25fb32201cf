import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Span } from '@opentelemetry/api';
import type { BasicTracerProvider, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode, startSpan, traceparentOf, tracingOn, useTracerProvider } from '@chanjiao/messaging';

let provider: BasicTracerProvider | undefined;

/**
 * OTEL_TRACES=on: spans go by OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; the
 * exporter reads them, default http://localhost:4318), batched. Off (the default) nothing is loaded or recorded. Once
 * per process: the apps of one process (tests) share the provider. `processor` replaces the exporter (tests: an
 * in-memory one).
 */
export async function startTracing(service: string, on: boolean, processor?: SpanProcessor): Promise<void> {
  if (!on || provider) return;
  // Loaded only when on: the SDK, the exporter and their dependencies cost nothing otherwise.
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const exporter = processor ? undefined : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [processor ?? new BatchSpanProcessor(exporter!)],
  });
  useTracerProvider(provider);
}

/** Sends what is buffered and stops tracing (at shutdown). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  useTracerProvider(undefined);
  await p?.shutdown();
}

const SPAN = Symbol('span');

/**
 * A server span per request, a child of its `traceparent` (the caller's, or the one the edge made: see `requestId`).
 * The request's `traceparent` then names this span, so the events the request writes carry it as their parent.
 */
export function installHttpTracing(app: NestFastifyApplication): void {
  if (!tracingOn()) return;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const headers = request.headers;
    const span = startSpan(`${request.method} ${request.routeOptions?.url ?? 'unmatched'}`, {
      kind: SpanKind.SERVER,
      parent: typeof headers.traceparent === 'string' ? headers.traceparent : undefined,
      attributes: {
        'http.request.method': request.method,
        'http.route': request.routeOptions?.url ?? '',
        'url.path': request.url.split('?', 1)[0]!,
      },
    });
    if (span) {
      (request as unknown as Record<symbol, Span>)[SPAN] = span;
      headers.traceparent = traceparentOf(span);
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = (request as unknown as Record<symbol, Span | undefined>)[SPAN];
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}
