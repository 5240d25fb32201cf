import { buildEvent, CloudEvent, EventDefinition } from '@chanjiao/contracts';
import type { Decision } from '@chanjiao/domain';
import { actorAt, ItemResult, traceparentAt, WriteContext } from './context';

/** The event an accepted decision announces: any definition with its data (a service's decisions may narrow both). */
type AnyEmit = { definition: EventDefinition; data: unknown };

/** Decides item `index` against its row as the write has it so far (undefined: none yet). */
export type DecideItem<S> = (current: S | undefined, index: number) => Decision<S, AnyEmit>;

/** Where item `index`'s event goes, when not under its row's key with the state's version. */
export interface EventAddress<S> {
  /** The event's subject; default: the row's key. */
  subject?: (key: string, state: S, index: number) => string;
  /** The event's sequence; default: `state.version`. */
  sequence?: (state: S, index: number) => number;
}

/** What the items of a write decided: for the caller's repository save and the outbox, in one transaction. */
export interface DecidedWrite<S> {
  result: Array<ItemResult<S>>;
  events: CloudEvent[];
  /** New rows, each once, in its latest state: created then changed within one batch is still one INSERT. */
  created: S[];
  /** Existing rows that changed, each once, in its latest state. */
  updated: S[];
  /** Every state an item changed a row to, in item order: the rows of a table that keeps each version. */
  changes: S[];
}

/**
 * The write loop of every service: decides the items in order against the locked rows in `current` (keyed by
 * entity key; `keys[index]` is item `index`'s; changed in place), so an item repeated in the batch sees the earlier one's effect,
 * and stages what each accepted change stores and announces. A rejected item (by its decision, or by a check the
 * caller's `decide` makes first, e.g. an unknown reference) leaves no row and no event; an unchanged one neither.
 * Each event carries the trace and actor of the request its item came from. Framework-free: the caller locks the
 * rows and saves `created`/`updated` (or `changes`) with the events in its unit of work.
 */
export function decideWrite<S extends { version: number }>(
  ctx: WriteContext,
  current: Map<string, S>,
  keys: readonly string[],
  decide: DecideItem<S>,
  address?: EventAddress<S>,
): DecidedWrite<S>;
export function decideWrite<S>(
  ctx: WriteContext,
  current: Map<string, S>,
  keys: readonly string[],
  decide: DecideItem<S>,
  address: EventAddress<S> & Required<Pick<EventAddress<S>, 'sequence'>>,
): DecidedWrite<S>;
export function decideWrite<S>(
  ctx: WriteContext,
  current: Map<string, S>,
  keys: readonly string[],
  decide: DecideItem<S>,
  address: EventAddress<S> = {},
): DecidedWrite<S> {
  const subject = address.subject ?? ((key: string) => key);
  const sequence = address.sequence ?? ((state: S) => (state as { version: number }).version);
  const created = new Map<string, S>();
  const updated = new Map<string, S>();
  const changes: S[] = [];
  const events: CloudEvent[] = [];
  const result = keys.map((key, index): ItemResult<S> => {
    const d = decide(current.get(key), index);
    if (!d.ok) return d;
    if (d.emit) {
      current.set(key, d.state);
      (created.has(key) || d.outcome === 'created' ? created : updated).set(key, d.state);
      changes.push(d.state);
      events.push(
        buildEvent(d.emit.definition, {
          institution: ctx.institution,
          subject: subject(key, d.state, index),
          sequence: sequence(d.state, index),
          data: d.emit.data,
          traceparent: traceparentAt(ctx, index),
          actor: actorAt(ctx, index),
        }),
      );
    }
    return { ok: true, outcome: d.outcome, value: d.state };
  });
  return { result, events, created: [...created.values()], updated: [...updated.values()], changes };
}
