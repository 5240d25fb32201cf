import { spanContextOf, startSpan, SpanKind, tracingOn } from './tracing';

describe('tracing helpers', () => {
  it('off by default: no tracer, no span', () => {
    expect(tracingOn()).toBe(false);
    expect(startSpan('x', { kind: SpanKind.INTERNAL, parent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` })).toBeUndefined();
  });

  it('reads a W3C traceparent as a remote span context, refusing malformed and all-zero ids', () => {
    expect(spanContextOf(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`)).toEqual({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      traceFlags: 1,
      isRemote: true,
    });
    expect(spanContextOf(`00-${'0'.repeat(32)}-${'b'.repeat(16)}-01`)).toBeUndefined();
    expect(spanContextOf('nope')).toBeUndefined();
    expect(spanContextOf(undefined)).toBeUndefined();
  });
});
