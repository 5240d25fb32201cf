import type { InternshipSnapshot } from '@chanjiao/contracts';
import { decideCompletion, decideInternshipPost, InternshipState } from './internship.domain';

const input: InternshipSnapshot = {
  internshipId: 'I1',
  studentId: 'S1',
  kind: 'post',
  employerPartnerId: 'E1',
  employerName: '某石化有限公司',
  region: '652801',
  startDate: '2022-03-01',
  endDate: null,
};

const created = (): InternshipState => {
  const d = decideInternshipPost(undefined, input);
  if (!d.ok) throw d.error;
  return d.state;
};

describe('internships', () => {
  it('created with a started event; a repeat is a no-op; a correction is the next version; another student is 409', () => {
    const d = decideInternshipPost(undefined, input);
    expect(d).toMatchObject({ ok: true, outcome: 'created', state: { version: 1 } });
    expect(d.ok && d.emit?.definition.type).toBe('placement.internship.started.v1');
    expect(decideInternshipPost(created(), input)).toMatchObject({ ok: true, outcome: 'unchanged' });
    const fixed = decideInternshipPost(created(), { ...input, region: '650102' });
    expect(fixed).toMatchObject({ ok: true, outcome: 'updated', state: { version: 2, region: '650102' } });
    expect(fixed.ok && fixed.emit?.definition.type).toBe('placement.internship.updated.v1');
    expect(decideInternshipPost(created(), { ...input, studentId: 'S2' })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', code: 'internship_student_conflict', field: 'studentId' },
    });
  });

  it('completion: next version with the whole internship; same date no-op; other date 409; before start 400; unknown 404', () => {
    const c = decideCompletion(created(), 'I1', '2022-06-30');
    expect(c).toMatchObject({ ok: true, outcome: 'updated', state: { version: 2, endDate: '2022-06-30' } });
    expect(c.ok && c.emit).toEqual({
      definition: expect.objectContaining({ type: 'placement.internship.completed.v1' }),
      data: { ...input, endDate: '2022-06-30' },
    });
    const done = c.ok ? c.state : undefined;
    expect(decideCompletion(done, 'I1', '2022-06-30')).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(decideCompletion(done, 'I1', '2022-07-30')).toMatchObject({ ok: false, error: { code: 'date_conflict' } });
    // The original post repeated after completion is still a repeat.
    expect(decideInternshipPost(done, input)).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(decideCompletion(created(), 'I1', '2022-02-01')).toMatchObject({ ok: false, error: { kind: 'invalid', field: 'endDate' } });
    expect(decideCompletion(undefined, 'I9', '2022-02-01')).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    expect(decideInternshipPost(undefined, { ...input, endDate: '2022-01-01' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid', code: 'invalid_dates', field: 'endDate' },
    });
  });

  it('a correction without endDate may not move the start past the recorded end (400 naming startDate)', () => {
    const c = decideCompletion(created(), 'I1', '2022-06-30');
    const done = c.ok ? c.state : undefined;
    expect(decideInternshipPost(done, { ...input, startDate: '2022-09-01' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid', code: 'invalid_dates', field: 'startDate' },
    });
    expect(decideInternshipPost(done, { ...input, startDate: '2022-04-01' })).toMatchObject({
      ok: true,
      outcome: 'updated',
      state: { startDate: '2022-04-01', endDate: '2022-06-30', version: 3 },
    });
  });
});
