import {
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

/**
 * OpenTelemetry spans of the HTTP edge, the outbox relay and the consumer, tied together by the `traceparent` every
 * event carries. Off (no tracer) unless OTEL_TRACES=on installs one (`startTracing` in @chanjiao/edge): then each
 * call site costs one check of an undefined variable, nothing else.
 */
let tracer: Tracer | undefined;

/** Installs (or with undefined, removes) the provider the spans go to. */
export function useTracerProvider(provider: TracerProvider | undefined): void {
  tracer = provider?.getTracer('chanjiao');
}

export function tracingOn(): boolean {
  return tracer !== undefined;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context a W3C `traceparent` names (remote), or undefined for none or a malformed one. */
export function spanContextOf(traceparent: string | undefined | null): SpanContext | undefined {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) & TraceFlags.SAMPLED, isRemote: true };
}

/** The `traceparent` naming a span (its children's parent). */
export function traceparentOf(span: Span): string {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-0${c.traceFlags & TraceFlags.SAMPLED}`;
}

/** The most links a batch span carries (a batch of 1,000 events from as many requests would otherwise carry 1,000). */
export const MAX_SPAN_LINKS = 128;

export interface SpanOptions {
  kind: SpanKind;
  /** The parent, as a `traceparent` (an event's, a request's). */
  parent?: string;
  /** Other spans it relates to (the events of a batch), as `traceparent`s: distinct ones, at most {@link MAX_SPAN_LINKS}. */
  links?: Iterable<string | undefined>;
  attributes?: Record<string, string | number | boolean>;
}

/** Starts a span when tracing is on; undefined otherwise (the caller ends it with `span?.end()`). */
export function startSpan(name: string, opts: SpanOptions): Span | undefined {
  if (!tracer) return undefined;
  const parent = spanContextOf(opts.parent);
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const tp of opts.links ?? []) {
    if (links.length >= MAX_SPAN_LINKS) break;
    const context = spanContextOf(tp);
    if (!context || tp === opts.parent || seen.has(tp!)) continue;
    seen.add(tp!);
    links.push({ context });
  }
  return tracer.startSpan(
    name,
    { kind: opts.kind, links, attributes: opts.attributes },
    parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
  );
}

export { SpanKind, SpanStatusCode } from '@opentelemetry/api';
