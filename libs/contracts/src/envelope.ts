import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { INSTITUTION_PATTERN } from './reference';

/** Services that publish events; `source` is `/chanjiao/<service>`. */
export const SERVICES = ['enrollment', 'placement', 'partnership', 'alliance', 'reporting'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const EVENTS_EXCHANGE = 'chanjiao.events';
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** The `actor` of events no key caused: scheduled jobs (the agreement-expiry job). */
export const SYSTEM_ACTOR = 'system';

/** CloudEvents 1.0 structured-mode envelope with our extensions. */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: TType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extension: institution code the event belongs to. */
  institution: string;
  /** Extension: per-subject change number, 1 for the first change, +1 for each next. */
  sequence: number;
  /** Extension (W3C trace context), carried from the HTTP request that caused the change. */
  traceparent?: string;
  /**
   * Extension: who caused the change: the id of the API key of the request or import (never the key itself), or
   * `system` for a scheduled job. Absent on events written before it was recorded.
   */
  actor?: string;
  data: TData;
}

export const envelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string().regex(/^\/chanjiao\/[a-z]+$/),
  type: z.string().regex(/^[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$/),
  subject: z.string().min(1).max(128),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  institution: z.string().regex(INSTITUTION_PATTERN),
  sequence: z.number().int().positive(),
  traceparent: z.string().max(128).optional(),
  actor: z.string().min(1).max(64).optional(),
  data: z.unknown(),
});

/** Splits `<service>.<entity>.<verb>.v<N>`; the stream a subject's sequence counts in is `<service>.<entity>`. */
export function parseEventType(type: string): { service: string; entity: string; verb: string; version: number } {
  const [service, entity, verb, v] = type.split('.');
  if (!service || !entity || !verb || !v?.startsWith('v')) throw new Error(`not an event type: ${type}`);
  return { service, entity, verb, version: Number(v.slice(1)) };
}

// Consumers ask for the stream of every event they apply, of a handful of types: each type is split once (the
// memo is bounded, in case of a caller passing arbitrary strings).
const streamByType = new Map<string, string>();
const STREAM_MEMO_LIMIT = 1000;

export function streamOf(type: string): string {
  let stream = streamByType.get(type);
  if (stream === undefined) {
    const { service, entity } = parseEventType(type);
    stream = `${service}.${entity}`;
    if (streamByType.size < STREAM_MEMO_LIMIT) streamByType.set(type, stream);
  }
  return stream;
}

export function newEventId(): string {
  return randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one form event ids are compared in: a UUID in lower case (as PostgreSQL's uuid answers it; another publisher
 * may send upper case, and a UUID is the same whatever its case), anything else as it is. `parseEvent` gives every
 * consumer ids in this form; tools matching an id an operator typed against messages compare in it too.
 */
export function normalizeEventId(id: string): string {
  return UUID.test(id) ? id.toLowerCase() : id;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id of a W3C `traceparent`: the correlation id logs carry from request to read model. */
export function traceIdOf(traceparent: string | undefined | null): string | undefined {
  if (!traceparent) return undefined;
  const m = TRACEPARENT.exec(traceparent);
  return m && !/^0+$/.test(m[1]!) ? m[1] : undefined;
}

/** A sampled `traceparent` for a new span of the given trace. */
export function childTraceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}
