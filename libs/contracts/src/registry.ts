import { z } from 'zod';
import { CloudEvent, envelopeSchema, normalizeEventId } from './envelope';
import { EventDefinition, eventVersions } from './define-event';
import { ENROLLMENT_EVENTS } from './events/enrollment.events';
import { PLACEMENT_EVENTS } from './events/placement.events';
import { PARTNERSHIP_EVENTS } from './events/partnership.events';
import { ALLIANCE_EVENTS } from './events/alliance.events';

/**
 * Every event type the platform knows at its latest version, in catalogue order (a tuple: each definition keeps its
 * literal type). Publishers publish these; consumers see only these (`upcastEvent`).
 */
export const ALL_EVENTS = [...ENROLLMENT_EVENTS, ...PLACEMENT_EVENTS, ...PARTNERSHIP_EVENTS, ...ALLIANCE_EVENTS] as const;

/** The type (routing key) of every event in {@link ALL_EVENTS}: a consumer's table keyed by it lists each event once. */
export type EventType = (typeof ALL_EVENTS)[number]['type'];

/** Every version of every event type, each type's oldest first: what may be in flight or in a log. */
export const ALL_EVENT_VERSIONS: readonly EventDefinition[] = ALL_EVENTS.flatMap((d) => eventVersions(d));

const byType = new Map<string, EventDefinition>(ALL_EVENT_VERSIONS.map((d) => [d.type, d]));
/** The latest version of each version's type. */
const latestByType = new Map<string, EventDefinition>(ALL_EVENTS.flatMap((d) => eventVersions(d).map((v) => [v.type, d] as const)));

/** The definition of any version of any event type. */
export function eventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}

/**
 * The types whose events are `type`'s once upcast: `type` itself and its type's earlier versions (oldest first). A
 * consumer that applies `type` takes them all. A type the registry does not know is only itself.
 */
export function typesUpcastTo(type: string): string[] {
  const latest = latestByType.get(type);
  if (!latest) return [type];
  const versions = eventVersions(latest).map((d) => d.type);
  return versions.slice(0, versions.indexOf(type) + 1);
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
 * Validates envelope and payload against the registry, the payload against its own version's schema; throws
 * {@link InvalidEventError}. The event comes back at the version it came in (see `upcastEvent`). The id comes back in
 * the form ids are compared in (`normalizeEventId`: lower case), so an inbox, a dedup set or a parked event sees one id
 * per event.
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

/**
 * `event`, valid for its own version (as `parseEvent` answers it), at `latest`'s version: each upcaster of the chain in
 * turn, each result checked against its version's schema (an upcaster's mistake is refused here, not met by a
 * consumer). The same object when it is at `latest`'s version already; {@link InvalidEventError} when it is not a
 * version of `latest`'s type.
 */
export function upcastTo(latest: EventDefinition, event: CloudEvent): CloudEvent {
  if (event.type === latest.type) return event;
  const chain = eventVersions(latest);
  const at = chain.findIndex((d) => d.type === event.type);
  if (at < 0) throw new InvalidEventError(`not a version of ${latest.type}`, [event.type]);
  let data = event.data;
  for (const next of chain.slice(at + 1)) {
    const { from, upcast } = next.supersedes!;
    const checked = next.schema.safeParse(upcast(data, event));
    if (!checked.success)
      throw new InvalidEventError(`${from.type} upcast to ${next.type} is invalid`, describeIssues(checked.error, 'data'));
    data = checked.data;
  }
  return Object.assign({}, event, { type: latest.type, data });
}

/**
 * `event` (valid for its own version, as `parseEvent` answers it, or as a consumer stored it) at the latest version of
 * its type, so that consumers apply only the versions of {@link ALL_EVENTS}: every event read from the broker, from a
 * parked list or from a log goes through here. {@link InvalidEventError} for a type (or version) the registry does not
 * know.
 */
export function upcastEvent(event: CloudEvent): CloudEvent {
  const latest = latestByType.get(event.type);
  if (!latest) throw new InvalidEventError('unknown event type', [event.type]);
  return upcastTo(latest, event);
}
