import { decideEnroll, decideLifecycle, EnrollmentInput, EnrollmentState } from './enrollment.domain';

const input: EnrollmentInput = {
  studentId: 'S1',
  programCode: 'P1',
  cohortYear: 2022,
  level: 'higher_vocational',
  pathway: 'regular',
  partnerInstitution: null,
  orderClassId: null,
  apprenticeship: false,
  originRegion: null,
};

function enrolled(): EnrollmentState {
  const d = decideEnroll(undefined, input);
  if (!d.ok) throw d.error;
  return d.state;
}

describe('enrollment life cycle', () => {
  it('creates at version 1 with an enrolled event; an identical repeat is a no-op; other details conflict', () => {
    const d = decideEnroll(undefined, input);
    expect(d).toMatchObject({ ok: true, outcome: 'created', state: { version: 1, status: 'enrolled' } });
    expect(d.ok && d.emit?.definition.type).toBe('enrollment.student.enrolled.v1');
    expect(decideEnroll(enrolled(), input)).toMatchObject({ ok: true, outcome: 'unchanged' });
    const conflict = decideEnroll(enrolled(), { ...input, cohortYear: 2023 });
    expect(conflict.ok).toBe(false);
    expect(!conflict.ok && conflict.error).toMatchObject({ kind: 'conflict', code: 'enrollment_exists' });
  });

  it('each change takes the next sequence', () => {
    const t = decideLifecycle(enrolled(), 'S1', { kind: 'transfer', date: '2023-02-01', programCode: 'P2' });
    expect(t).toMatchObject({ ok: true, outcome: 'updated', state: { version: 2, programCode: 'P2' } });
    const g = decideLifecycle(t.ok ? t.state : undefined, 'S1', { kind: 'graduation', date: '2025-06-30', graduationYear: 2025 });
    expect(g).toMatchObject({ ok: true, state: { version: 3, status: 'graduated' } });
    expect(g.ok && g.emit?.data).toEqual({ studentId: 'S1', date: '2025-06-30', graduationYear: 2025, programCode: 'P2' });
  });

  it('repeats are no-ops, contradicting repeats and impossible transitions are conflicts', () => {
    const c = decideLifecycle(enrolled(), 'S1', { kind: 'cancellation', date: '2022-09-10' });
    const cancelled = c.ok ? c.state : undefined;
    expect(decideLifecycle(cancelled, 'S1', { kind: 'cancellation', date: '2022-09-10' })).toMatchObject({
      ok: true,
      outcome: 'unchanged',
    });
    expect(decideLifecycle(cancelled, 'S1', { kind: 'cancellation', date: '2022-09-11' })).toMatchObject({
      ok: false,
      error: { code: 'date_conflict' },
    });
    expect(decideLifecycle(cancelled, 'S1', { kind: 'graduation', date: '2025-06-30', graduationYear: 2025 })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'invalid_transition' },
    });
    expect(decideLifecycle(enrolled(), 'S1', { kind: 'transfer', date: '2023-01-01', programCode: 'P1' })).toMatchObject({
      ok: false,
      error: { code: 'same_program' },
    });
  });

  it('an unknown student is not found', () => {
    expect(decideLifecycle(undefined, 'S9', { kind: 'withdrawal', date: '2023-01-01', reason: null })).toMatchObject({
      ok: false,
      error: { kind: 'not_found', code: 'student_not_found' },
    });
  });

  it('the withdrawal reason never reaches the event', () => {
    const w = decideLifecycle(enrolled(), 'S1', { kind: 'withdrawal', date: '2023-01-01', reason: 'family moved (李某)' });
    expect(w.ok && w.emit?.data).toEqual({ studentId: 'S1', date: '2023-01-01' });
  });

  it('a change dated before the cohort year, or before the last transfer, and a graduation year before the cohort are refused', () => {
    const error = (d: ReturnType<typeof decideLifecycle>) =>
      d.ok ? undefined : { kind: d.error.kind, code: d.error.code, field: d.error.field };
    const beforeCohort = { kind: 'invalid', code: 'date_before_cohort', field: 'date' };
    expect(error(decideLifecycle(enrolled(), 'S1', { kind: 'cancellation', date: '1995-01-01' }))).toEqual(beforeCohort);
    expect(error(decideLifecycle(enrolled(), 'S1', { kind: 'withdrawal', date: '2021-12-31', reason: null }))).toEqual(beforeCohort);
    expect(error(decideLifecycle(enrolled(), 'S1', { kind: 'graduation', date: '1990-01-01', graduationYear: 2025 }))).toEqual(
      beforeCohort,
    );
    expect(error(decideLifecycle(enrolled(), 'S1', { kind: 'graduation', date: '2025-06-30', graduationYear: 2021 }))).toEqual({
      kind: 'invalid',
      code: 'invalid_graduation_year',
      field: 'graduationYear',
    });

    const t = decideLifecycle(enrolled(), 'S1', { kind: 'transfer', date: '2023-03-01', programCode: 'P2' });
    const transferred = t.ok ? t.state : enrolled();
    const beforeTransfer = { kind: 'conflict', code: 'date_before_last_change', field: 'date' };
    expect(error(decideLifecycle(transferred, 'S1', { kind: 'transfer', date: '2022-09-01', programCode: 'P3' }))).toEqual(beforeTransfer);
    expect(error(decideLifecycle(transferred, 'S1', { kind: 'withdrawal', date: '2023-02-28', reason: null }))).toEqual(beforeTransfer);
    expect(decideLifecycle(transferred, 'S1', { kind: 'withdrawal', date: '2023-03-01', reason: null })).toMatchObject({
      ok: true,
      outcome: 'updated',
    });
    expect(decideLifecycle(transferred, 'S1', { kind: 'graduation', date: '2025-06-30', graduationYear: 2025 })).toMatchObject({
      ok: true,
    });
  });
});
