import { allianceChildSubject, MAX_SUBJECT_LENGTH } from '@chanjiao/contracts';
import type { Rejected } from '@chanjiao/domain';
import { DomainError } from '@chanjiao/domain';
import { AllianceErrorCode } from './alliance.errors';

export const allianceNotFound = (allianceId: string): DomainError =>
  new DomainError(
    'not_found',
    AllianceErrorCode.AllianceNotFound,
    `no alliance ${allianceId}; PUT /alliances/${allianceId} first`,
    'allianceId',
  );

/** `<allianceId>/<id>` must fit in an event subject; a 400 naming `field` otherwise. */
function subjectError(allianceId: string, id: string, field: string): DomainError | undefined {
  if (allianceChildSubject(allianceId, id).length <= MAX_SUBJECT_LENGTH) return undefined;
  return new DomainError(
    'invalid',
    AllianceErrorCode.SubjectTooLong,
    `allianceId and ${field} together must be at most ${MAX_SUBJECT_LENGTH - 1} characters`,
    field,
  );
}

/**
 * Refuses, before it is decided, an item about a record of an alliance (a member, an activity, a contribution) whose
 * alliance is unknown or whose event subject `<allianceId>/<id>` would be too long.
 */
export function childRefused(alliances: ReadonlyMap<string, unknown>, allianceId: string, id: string, field: string): Rejected | undefined {
  if (!alliances.has(allianceId)) return { ok: false, error: allianceNotFound(allianceId) };
  const tooLong = subjectError(allianceId, id, field);
  return tooLong && { ok: false, error: tooLong };
}
