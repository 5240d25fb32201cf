import type { CloudEvent } from '@chanjiao/contracts';
import { projectInMemory, sumCounters } from '../../../../test/fixtures/project-in-memory';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { PlacementEventFactory } from '../../../../test/fixtures/placement-events';
import { destinationTimeline } from './placement.projections';

/** A 2022 cohort with corrections: G1 first not placed then under contract locally, G6 corrected the same day. */
function cohort(): CloudEvent[] {
  const e = new EnrollmentEventFactory('BZ');
  const p = new PlacementEventFactory('BZ');
  const grad = (id: string, year = 2022) => [e.enrolled(id, { cohortYear: year - 3 }), e.graduated(id, `${year}-06-30`, year)];
  return [
    ...grad('G1'),
    p.destination('G1', { category: 'not_placed', detail: 'seeking', region: null, sector: null, effectiveDate: '2022-07-01' }),
    p.destination('G1', { category: 'contract', detail: 'labor_contract', region: '652801', effectiveDate: '2022-10-15' }),
    ...grad('G2'),
    p.destination('G2', { region: '650102', effectiveDate: '2022-06-20' }),
    ...grad('G3'),
    p.destination('G3', { category: 'further_study', detail: 'postgraduate', region: '652801', effectiveDate: '2022-09-01' }),
    ...grad('G4'),
    ...grad('G5', 2021),
    p.destination('G5', { category: 'flexible', detail: 'freelance', graduationYear: 2021, effectiveDate: '2021-08-01' }),
    p.destination('X1', { effectiveDate: '2022-07-01' }),
    ...grad('G6'),
    p.destination('G6', { category: 'flexible', detail: 'other_flexible', effectiveDate: '2022-08-01' }),
    p.destination('G6', { category: 'entrepreneurship', detail: null, sector: 'commerce_logistics', effectiveDate: '2022-08-01' }),
  ];
}

const asOf = (counters: Map<string, number>, metric: string, date: string, where: (d: Record<string, unknown>) => boolean = () => true) =>
  sumCounters(counters, metric, (d, day) => (day === null || day <= date) && where(d));

const figures = (counters: Map<string, number>, date: string) => ({
  total: sumCounters(counters, 'graduates', (d) => d.graduationYear === 2022),
  placed: asOf(counters, 'graduates.by_category', date, (d) => d.cohort === 2022 && d.category !== 'not_placed'),
  localEmployed: asOf(counters, 'graduates.local_employed', date, (d) => d.cohort === 2022),
});

describe('graduate projection', () => {
  it('gives the placement and local employment in effect at each date', () => {
    const c = projectInMemory(cohort());
    expect(figures(c, '2022-06-30')).toEqual({ total: 5, placed: 1, localEmployed: 0 });
    expect(figures(c, '2022-08-31')).toEqual({ total: 5, placed: 2, localEmployed: 1 });
    expect(figures(c, '2022-12-31')).toEqual({ total: 5, placed: 4, localEmployed: 2 });
    // G1 is not_placed from July 1 to October 14 only.
    expect(asOf(c, 'graduates.by_category', '2022-10-14', (d) => d.category === 'not_placed')).toBe(1);
    expect(asOf(c, 'graduates.by_category', '2022-10-15', (d) => d.category === 'not_placed')).toBe(0);
    // Same-day correction: only G6's second version ever counts.
    expect(asOf(c, 'graduates.by_category', '2022-12-31', (d) => d.cohort === 2022 && d.category === 'flexible')).toBe(0);
    expect(asOf(c, 'graduates.by_category', '2022-12-31', (d) => d.category === 'entrepreneurship')).toBe(1);
    // The destination without a graduation record (X1) and the other cohort (G5) count nowhere in 2022.
    expect(asOf(c, 'graduates.by_program', '2022-12-31', (d) => d.cohort === 2022)).toBe(4);
    expect(asOf(c, 'graduates.by_program', '2022-12-31', (d) => d.cohort === 2021 && d.placed === true)).toBe(1);
  });

  it('the same events in any order, redelivered, give the same counters', () => {
    const events = cohort();
    const clean = projectInMemory(events);
    expect(projectInMemory([...events].reverse())).toEqual(clean);
    expect(projectInMemory([...events, ...events.slice(3, 9)].sort((a, b) => a.id.localeCompare(b.id)))).toEqual(clean);
  });

  it('the timeline orders versions by effective date, the higher version winning a shared day', () => {
    const p = new PlacementEventFactory('BZ');
    const v = [
      p.destination('S', { effectiveDate: '2022-09-01' }),
      p.destination('S', { effectiveDate: '2022-07-01' }),
      p.destination('S', { effectiveDate: '2022-09-01', verified: false }),
    ].map((e) => e.data as never);
    expect(destinationTimeline(v).map(({ from, until, v }) => [from, until, (v as { version: number }).version])).toEqual([
      ['2022-07-01', '2022-09-01', 2],
      ['2022-09-01', null, 3],
    ]);
  });
});

describe('intern projection', () => {
  const events = () => {
    const e = new EnrollmentEventFactory('BZ');
    const p = new PlacementEventFactory('BZ');
    return [
      e.enrolled('S1'),
      p.internship('I1', 'S1', { region: '652801', kind: 'follow' }),
      p.internship('I2', 'S1', { region: '650102', startDate: '2022-09-01' }),
      p.internship('I3', 'S2', { region: '650102' }),
      e.enrolled('S3'),
      p.internship('I4', 'S3', { region: '652822', startDate: '2021-09-01' }),
      p.internship('I5', 'S3', { region: '650102', startDate: '2022-02-01' }),
      p.completed('I5', '2022-06-30'),
    ];
  };

  it('counts each student once per year of an internship start, local if one of those is local', () => {
    const c = projectInMemory(events());
    const year = (y: number) => (d: Record<string, unknown>) => d.year === y;
    expect(sumCounters(c, 'internships.students', year(2022))).toBe(3);
    expect(sumCounters(c, 'internships.local_students', year(2022))).toBe(1);
    expect(sumCounters(c, 'internships.students', year(2021))).toBe(1);
    expect(sumCounters(c, 'internships.local_students', year(2021))).toBe(1);
    expect(sumCounters(c, 'internships.count', (d) => d.year === 2022 && d.completed === true)).toBe(1);
    expect(sumCounters(c, 'internships.students_by_kind', (d) => d.year === 2022 && d.kind === 'post')).toBe(3);
    expect(projectInMemory([...events()].reverse())).toEqual(c);
  });

  it('counts a student from the first start of the year on, as local from the first local start (DESIGN.md §5: 1 January to asOf)', () => {
    const c = projectInMemory(events());
    const upTo = (date: string) => (d: Record<string, unknown>, day: string | null) => d.year === 2022 && day !== null && day <= date;
    // 1 February: I5 (S3); 1 March: I1 (S1, local), I3 (S2); 1 September: I2 (S1 again).
    expect(sumCounters(c, 'internships.students', upTo('2022-01-31'))).toBe(0);
    expect(sumCounters(c, 'internships.students', upTo('2022-02-01'))).toBe(1);
    expect(sumCounters(c, 'internships.students', upTo('2022-12-31'))).toBe(3);
    expect(sumCounters(c, 'internships.local_students', upTo('2022-02-28'))).toBe(0);
    expect(sumCounters(c, 'internships.local_students', upTo('2022-03-01'))).toBe(1);
    expect(sumCounters(c, 'internships.count', upTo('2022-08-31'))).toBe(3);
    expect(sumCounters(c, 'internships.count', upTo('2022-09-01'))).toBe(4);
    expect(sumCounters(c, 'internships.students_by_kind', (d, day) => upTo('2022-03-01')(d, day) && d.kind === 'follow')).toBe(1);
  });

  it('a corrected region moves the student to local', () => {
    const p = new PlacementEventFactory('BZ');
    const c = projectInMemory([p.internship('I1', 'S1', { region: '650102' }), p.internship('I1', 'S1', { region: '652801' })]);
    expect(sumCounters(c, 'internships.local_students')).toBe(1);
    expect(sumCounters(c, 'internships.students')).toBe(1);
    expect(sumCounters(c, 'internships.count')).toBe(1);
  });
});
