import { z } from 'zod';
import { CloudEvent, newEventId, ServiceName } from './envelope';

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
