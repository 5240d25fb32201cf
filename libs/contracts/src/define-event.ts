import { z } from 'zod';
import { CloudEvent, newEventId, parseEventType, ServiceName } from './envelope';

/**
 * One definition per event type: its routing key, its payload schema (runtime validation)
 * and the TypeScript type inferred from it. Publisher and consumer both use it.
 */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  type: TType;
  service: ServiceName;
  /** The entity the subject identifies, e.g. `student`. */
  entity: string;
  /** What `subject` holds, for the catalogue. */
  subject: string;
  description: string;
  schema: TSchema;
  /** On a version after the first: the version it supersedes, and how that version's events become this one's. */
  supersedes?: Upcaster;
}

/** An event's envelope without its data: what an upcaster may read besides the data. */
export type EventEnvelope = Omit<CloudEvent, 'data'>;

/**
 * How the events of one version become the next version's: a pure function of their data (and envelope), so that an
 * event is the same whenever and wherever it is upcast (in flight, parked, replayed from the log).
 */
export interface Upcaster<TFrom extends EventDefinition = EventDefinition, TToData = unknown> {
  from: TFrom;
  /** What changed from `from`'s version, for the catalogue. */
  changes: string;
  upcast(data: DataOf<TFrom>, envelope: EventEnvelope): TToData;
}

export function defineEvent<const TType extends string, TSchema extends z.ZodType>(
  definition: EventDefinition<TType, TSchema>,
): EventDefinition<TType, TSchema> {
  const expectedPrefix = `${definition.service}.${definition.entity}.`;
  if (!definition.type.startsWith(expectedPrefix) || !/\.v\d+$/.test(definition.type)) {
    throw new Error(`event type ${definition.type} must be ${expectedPrefix}<verb>.v<N>`);
  }
  return definition;
}

// A version superseded already: a second successor would fork the chain, and an event could upcast two ways.
const superseded = new WeakSet<EventDefinition>();

/**
 * The next version of `previous`'s type (`….v<N+1>`: same service, entity and verb), with the upcaster that turns
 * `previous`'s events into this one's. Chains compose (v1 → v2 → v3): each version names only the one before it.
 * Publishers move to the new version once every consumer knows it (a consumer refuses a version it does not know); the
 * old versions stay defined for the events already published, which consumers upcast (`upcastEvent`).
 */
export function defineNextVersion<P extends EventDefinition, const TType extends string, TSchema extends z.ZodType>(
  previous: P,
  next: {
    type: TType;
    description: string;
    schema: TSchema;
    /** What changed from `previous`, for the catalogue. */
    changes: string;
    upcast: (data: DataOf<P>, envelope: EventEnvelope) => z.input<TSchema>;
    /** What `subject` holds, where it changed. */
    subject?: string;
  },
): EventDefinition<TType, TSchema> {
  const from = parseEventType(previous.type);
  const expected = `${from.service}.${from.entity}.${from.verb}.v${from.version + 1}`;
  if (next.type !== expected) throw new Error(`the version after ${previous.type} must be ${expected}, not ${next.type}`);
  if (superseded.has(previous)) throw new Error(`${previous.type} has a next version already`);
  superseded.add(previous);
  const upcaster: Upcaster<P, z.input<TSchema>> = { from: previous, changes: next.changes, upcast: next.upcast };
  return {
    type: next.type,
    service: previous.service,
    entity: previous.entity,
    subject: next.subject ?? previous.subject,
    description: next.description,
    schema: next.schema,
    supersedes: upcaster as unknown as Upcaster,
  };
}

/** Every version of `latest`'s type, oldest first, `latest` last. */
export function eventVersions(latest: EventDefinition): EventDefinition[] {
  const versions: EventDefinition[] = [];
  for (let d: EventDefinition | undefined = latest; d; d = d.supersedes?.from) versions.unshift(d);
  return versions;
}

export type DataOf<D> = D extends EventDefinition<string, infer S> ? z.infer<S> : never;
export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? CloudEvent<T, z.infer<S>> : never;

/**
 * Builds the envelope for an event of `definition`; the payload is checked against the schema
 * here too, so a publisher bug fails the write instead of reaching consumers.
 */
export function buildEvent<D extends EventDefinition>(
  definition: D,
  input: { institution: string; subject: string; sequence: number; data: DataOf<D>; traceparent?: string; actor?: string; time?: Date },
): EventOf<D> {
  const data = definition.schema.parse(input.data);
  return Object.assign(
    {
      specversion: '1.0',
      id: newEventId(),
      source: `/chanjiao/${definition.service}`,
      type: definition.type,
      subject: input.subject,
      time: (input.time ?? new Date()).toISOString(),
      datacontenttype: 'application/json',
      institution: input.institution,
      sequence: input.sequence,
    },
    input.traceparent ? { traceparent: input.traceparent } : {},
    input.actor ? { actor: input.actor } : {},
    { data },
  ) as EventOf<D>;
}
