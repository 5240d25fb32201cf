import { DataOf, EventDefinition } from '@chanjiao/contracts';
import { DomainError, DomainErrorKind, WriteOutcome } from '@chanjiao/platform';
import { AllianceErrorCode } from './alliance.errors';

export interface Emit<D extends EventDefinition = EventDefinition> {
  definition: D;
  data: DataOf<D>;
}

/** Outcome of a pure decide function: the new state and the event to publish, or a domain error. */
export type Decision<S> = { ok: true; outcome: WriteOutcome; state: S; emit?: Emit } | { ok: false; error: DomainError };

export const emit = <D extends EventDefinition>(definition: D, data: DataOf<D>): Emit => ({ definition, data }) as Emit;

export const fail = <S>(kind: DomainErrorKind, code: AllianceErrorCode, message: string, field?: string): Decision<S> => ({
  ok: false,
  error: new DomainError(kind, code, message, field),
});

export const unchanged = <S>(state: S): Decision<S> => ({ ok: true, outcome: 'unchanged', state });

/**
 * A record dated before its alliance was founded (400 naming the date's field), else undefined. `code`: joins have
 * their own (`join_before_founding`), charters and activities share `date_before_founding`.
 */
export function beforeFounding<S>(
  record: { allianceId: string; field: string; date: string },
  allianceFoundedOn: string,
  code: AllianceErrorCode = AllianceErrorCode.DateBeforeFounding,
): Decision<S> | undefined {
  if (record.date >= allianceFoundedOn) return undefined;
  return fail(
    'invalid',
    code,
    `${record.field} ${record.date} is before alliance ${record.allianceId} was founded (${allianceFoundedOn})`,
    record.field,
  );
}
