import { z } from 'zod';
import { CloudEvent, envelopeSchema, normalizeEventId } from './envelope';
import { EventDefinition } from './define-event';
import { ENROLLMENT_EVENTS } from './events/enrollment.events';
import { PLACEMENT_EVENTS } from './events/placement.events';
import { PARTNERSHIP_EVENTS } from './events/partnership.events';
import { ALLIANCE_EVENTS } from './events/alliance.events';

/** Every event type the platform knows, in catalogue order (a tuple: each definition keeps its literal type). */
export const ALL_EVENTS = [...ENROLLMENT_EVENTS, ...PLACEMENT_EVENTS, ...PARTNERSHIP_EVENTS, ...ALLIANCE_EVENTS] as const;

/** The type (routing key) of every event in {@link ALL_EVENTS}: a consumer's table keyed by it lists each event once. */
export type EventType = (typeof ALL_EVENTS)[number]['type'];

const byType = new Map<string, EventDefinition>(ALL_EVENTS.map((d) => [d.type, d]));

export function eventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}

export class InvalidEventError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(`${message}: ${issues.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

function describeIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.map((i) => `${[prefix, ...i.path].join('.')}: ${i.message}`);
}

/**
 * Validates envelope and payload against the registry; throws {@link InvalidEventError}. The id comes back in the form
 * ids are compared in (`normalizeEventId`: lower case), so an inbox, a dedup set or a parked event sees one id per event.
 */
export function parseEvent(raw: unknown): CloudEvent {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) throw new InvalidEventError('invalid CloudEvent envelope', describeIssues(envelope.error, '$'));
  const definition = byType.get(envelope.data.type);
  if (!definition) throw new InvalidEventError('unknown event type', [envelope.data.type]);
  if (envelope.data.source !== `/chanjiao/${definition.service}`) {
    throw new InvalidEventError('wrong source', [`${envelope.data.source} for ${definition.type}`]);
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) throw new InvalidEventError(`invalid ${definition.type} data`, describeIssues(data.error, 'data'));
  return Object.assign({}, envelope.data, { id: normalizeEventId(envelope.data.id), data: data.data }) as CloudEvent;
}
