import type { DataOf, EventDefinition } from '@chanjiao/contracts';
import { DomainError, DomainErrorKind } from './domain-error';

/** What a write did to one item; `unchanged` is an idempotent repeat (nothing stored, nothing published). */
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** The event a decision announces: its definition and its data, built into a CloudEvent by the write loop. */
export interface Emit<D extends EventDefinition = EventDefinition> {
  definition: D;
  data: DataOf<D>;
}

/** A decision that stands: the new state, and the event to publish when something changed. */
export type Accepted<S, E = Emit> = { ok: true; outcome: WriteOutcome; state: S; emit?: E };
/** A decision refused with a domain error (its `kind` decides the HTTP status at the edge). */
export type Rejected = { ok: false; error: DomainError };

/** Outcome of a pure decide function for one item of a write: accepted (with state and event) or rejected. */
export type Decision<S, E = Emit> = Accepted<S, E> | Rejected;

export const emit = <D extends EventDefinition>(definition: D, data: DataOf<D>): Emit => ({ definition, data }) as Emit;

/** Refuses an item with a domain error; `field` names the input it is about. */
export type Fail<C extends string> = (kind: DomainErrorKind, code: C, message: string, field?: string) => Rejected;

/**
 * The `fail` of one service, bound to its error-code enum (stable, documented): a code of another service's enum, or a
 * bare string, does not compile. Each service's errors file exports one (`export const fail = failWith<XErrorCode>()`).
 */
export function failWith<C extends string>(): Fail<C> {
  return (kind, code, message, field) => ({ ok: false, error: new DomainError(kind, code, message, field) });
}

export const unchanged = <S>(state: S): Accepted<S, never> => ({ ok: true, outcome: 'unchanged', state });
