import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '@chanjiao/edge';
import { SpanKind } from '@chanjiao/messaging';
import { expectEventually } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

/**
 * OTEL_TRACES=on: a write's HTTP span, the outbox's publish of its events and the consumer's batch that applies them
 * form one trace, tied by the `traceparent` the events carry (an in-memory exporter in place of OTLP).
 */
describe('tracing (OTEL_TRACES=on)', () => {
  const exporter = new InMemorySpanExporter();
  let stack: TestStack;
  beforeAll(async () => {
    await startTracing('test', true, new SimpleSpanProcessor(exporter));
    stack = await startStack({ services: ['enrollment', 'reporting'], env: { OTEL_TRACES: 'on' } });
  });
  afterAll(async () => {
    await stack?.close();
    await stopTracing();
  });

  const spans = () => exporter.getFinishedSpans();
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

  it('an HTTP write → its outbox publish (child) → the consumer batch (child or link), one trace id', async () => {
    await stack.enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM);
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await fetch(`${stack.urls.enrollment}/enrollments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.writerKey}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpan}-01`,
      },
      body: JSON.stringify(FIRST_ENROLLMENT),
    });
    expect(res.status).toBe(201);
    // The correlation id stays the caller's trace id.
    expect(res.headers.get('x-correlation-id')).toBe(traceId);

    const [http, publish, batch] = await expectEventually(() => {
      const http = spans().find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId);
      expect(http).toBeDefined();
      const publish = spans().find((s) => s.kind === SpanKind.PRODUCER && parentOf(s) === http!.spanContext().spanId);
      expect(publish).toBeDefined();
      const batch = spans().find(
        (s) =>
          s.kind === SpanKind.CONSUMER &&
          (parentOf(s) === http!.spanContext().spanId || s.links.some((l) => l.context.spanId === http!.spanContext().spanId)),
      );
      expect(batch).toBeDefined();
      return [http!, publish!, batch!] as const;
    });
    expect(http.name).toBe('POST /enrollments');
    expect(parentOf(http)).toBe(callerSpan);
    expect(http.attributes['http.response.status_code']).toBe(201);
    expect(publish.spanContext().traceId).toBe(traceId);
    expect(publish.attributes['messaging.destination.name']).toBe(stack.exchange);
    expect(batch.attributes['messaging.destination.name']).toBe(stack.queue);
    expect(batch.endTime[0]).toBeGreaterThanOrEqual(publish.startTime[0]);
  });
});
