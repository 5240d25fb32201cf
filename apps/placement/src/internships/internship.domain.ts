import { DataOf, InternshipCompleted, InternshipSnapshot, InternshipStarted, InternshipUpdated } from '@chanjiao/contracts';
import { Decision } from '@chanjiao/domain';
import { PlacementErrorCode as Code, fail } from '../placement.errors';

export interface InternshipState extends InternshipSnapshot {
  version: number;
}

type InternshipEventDefinition = typeof InternshipStarted | typeof InternshipUpdated | typeof InternshipCompleted;

/** Every internship event carries the whole snapshot, so the data type is the same for the three. */
export type InternshipDecision = Decision<
  InternshipState,
  { definition: InternshipEventDefinition; data: DataOf<typeof InternshipStarted> }
>;

const snapshotOf = ({ version: _v, ...s }: InternshipState): InternshipSnapshot => s;

const same = (a: InternshipSnapshot, b: InternshipSnapshot) =>
  a.studentId === b.studentId &&
  a.kind === b.kind &&
  a.employerPartnerId === b.employerPartnerId &&
  a.employerName === b.employerName &&
  a.region === b.region &&
  a.startDate === b.startDate &&
  a.endDate === b.endDate;

/**
 * POST /internships: a new internship, a no-op repeat, or a correction (next version). A repeat
 * without `endDate` of an internship completed since is a repeat of the original post, not a
 * reopening. The student of an internship never changes (409).
 */
export function decideInternshipPost(existing: InternshipState | undefined, input: InternshipSnapshot): InternshipDecision {
  if (input.endDate !== null && input.endDate < input.startDate) {
    return fail('invalid', Code.InvalidDates, `endDate ${input.endDate} is before startDate ${input.startDate}`, 'endDate');
  }
  if (!existing) {
    return {
      ok: true,
      outcome: 'created',
      state: Object.assign({}, input, { version: 1 }),
      emit: { definition: InternshipStarted, data: input },
    };
  }
  if (existing.studentId !== input.studentId) {
    return fail(
      'conflict',
      Code.InternshipStudentConflict,
      `internship ${input.internshipId} belongs to student ${existing.studentId}; use another internshipId`,
      'studentId',
    );
  }
  const current = snapshotOf(existing);
  const wanted = input.endDate === null ? Object.assign({}, input, { endDate: current.endDate }) : input;
  // A correction without endDate keeps the recorded end: the new start must not come after it.
  if (wanted.endDate !== null && wanted.endDate < wanted.startDate) {
    return fail(
      'invalid',
      Code.InvalidDates,
      `startDate ${wanted.startDate} is after the internship's endDate ${wanted.endDate}`,
      'startDate',
    );
  }
  if (same(current, wanted)) return { ok: true, outcome: 'unchanged', state: existing };
  const state = Object.assign({}, wanted, { version: existing.version + 1 });
  return { ok: true, outcome: 'updated', state, emit: { definition: InternshipUpdated, data: wanted } };
}

/** POST /internships/{id}/completion: records the end; the same date again is a no-op, another date a conflict. */
export function decideCompletion(existing: InternshipState | undefined, internshipId: string, endDate: string): InternshipDecision {
  if (!existing) return fail('not_found', Code.InternshipNotFound, `no internship ${internshipId}`, 'internshipId');
  if (existing.endDate !== null) {
    return existing.endDate === endDate
      ? { ok: true, outcome: 'unchanged', state: existing }
      : fail('conflict', Code.DateConflict, `internship ${internshipId} already ended on ${existing.endDate}`, 'endDate');
  }
  if (endDate < existing.startDate) {
    return fail('invalid', Code.InvalidDates, `endDate ${endDate} is before startDate ${existing.startDate}`, 'endDate');
  }
  const state = Object.assign({}, existing, { endDate, version: existing.version + 1 });
  return { ok: true, outcome: 'updated', state, emit: { definition: InternshipCompleted, data: snapshotOf(state) } };
}
