import { Decision } from '@chanjiao/domain';
import { AllianceErrorCode, fail } from './alliance.errors';

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
