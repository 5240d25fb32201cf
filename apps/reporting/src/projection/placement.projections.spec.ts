import type { CloudEvent } from '@chanjiao/contracts';
import { projectInBatches, sumCounters } from '../../../../test/fixtures/projection-driver';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { PlacementEventFactory } from '../../../../test/fixtures/placement-events';
import { asOfDays, placementByDefinition, randomDestinationHistories, seededRandom } from '../../../../test/fixtures/destination-histories';

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
    const c = projectInBatches(cohort());
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

  it('counts employment per program, local or not, in the sector the destination states (null when it states none)', () => {
    const c = projectInBatches(cohort());
    const employed = (date: string, where: (d: Record<string, unknown>) => boolean = () => true) =>
      asOf(c, 'graduates.employed_by_program', date, (d) => d.cohort === 2022 && d.programCode === 'P1' && where(d));
    // 31 August: G2 (contract, not local, textiles) and G6 (entrepreneurship, local, commerce_logistics; its flexible
    // version was corrected the same day and never counts). 31 December: G1 too (contract, local, textiles).
    // G3 studies further: not employment.
    expect(employed('2022-08-31')).toBe(2);
    expect(employed('2022-12-31')).toBe(3);
    expect(employed('2022-12-31', (d) => d.sector === 'textiles')).toBe(2);
    expect(employed('2022-12-31', (d) => d.sector === 'commerce_logistics' && d.local === true)).toBe(1);
    for (const date of ['2022-06-30', '2022-08-31', '2022-10-14', '2022-10-15', '2022-12-31'])
      expect(employed(date, (d) => d.local === true)).toBe(figures(c, date).localEmployed);
    // A destination that names no sector counts with sector null, so the report can tell how many stated one.
    const e = new EnrollmentEventFactory('BZ');
    const p = new PlacementEventFactory('BZ');
    const unstated = projectInBatches([
      e.enrolled('S', { cohortYear: 2019, programCode: 'P7' }),
      e.graduated('S', '2022-06-30', 2022, 'P7'),
      p.destination('S', { programCode: 'P7', sector: null, region: '650102', effectiveDate: '2022-07-01' }),
    ]);
    expect([...unstated.keys()].filter((k) => k.startsWith('["graduates.employed_by_program"'))).toEqual([
      JSON.stringify([
        'graduates.employed_by_program',
        [
          ['cohort', 2022],
          ['local', false],
          ['programCode', 'P7'],
          ['sector', null],
        ],
        '2022-07-01',
      ]),
    ]);
  });

  it('the same events in any order, redelivered, give the same counters', () => {
    const events = cohort();
    const clean = projectInBatches(events);
    expect(projectInBatches([...events].reverse())).toEqual(clean);
    expect(projectInBatches([...events, ...events.slice(3, 9)].sort((a, b) => a.id.localeCompare(b.id)))).toEqual(clean);
  });

  it('a correction recorded later with an earlier date supersedes what it corrects from its own date on', () => {
    const e = new EnrollmentEventFactory('BZ');
    const p = new PlacementEventFactory('BZ');
    // Not placed from July; a job elsewhere from October; then the correction: a local job since 15 August.
    const events = [
      ...[e.enrolled('S', { cohortYear: 2019 }), e.graduated('S', '2022-06-30', 2022)],
      p.destination('S', { category: 'not_placed', detail: 'seeking', region: null, sector: null, effectiveDate: '2022-07-01' }),
      p.destination('S', { region: '650102', effectiveDate: '2022-10-01' }),
      p.destination('S', { region: '652801', effectiveDate: '2022-08-15' }),
    ];
    const c = projectInBatches(events);
    expect(figures(c, '2022-08-14')).toEqual({ total: 1, placed: 0, localEmployed: 0 });
    expect(figures(c, '2022-09-30')).toEqual({ total: 1, placed: 1, localEmployed: 1 });
    expect(figures(c, '2022-12-31')).toEqual({ total: 1, placed: 1, localEmployed: 1 });
    expect(asOf(c, 'graduates.by_region', '2022-12-31', (d) => d.region === '650102')).toBe(0);
    expect(projectInBatches([...events].reverse())).toEqual(c);
  });

  it('agrees with the definition for versions recorded in any order of dates, at every date, in any delivery order', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const histories = randomDestinationHistories(seed, 25);
      const e = new EnrollmentEventFactory('BZ');
      const p = new PlacementEventFactory('BZ');
      const events = [...histories].flatMap(([id, versions]) => [
        e.enrolled(id, { cohortYear: 2019 }),
        e.graduated(id, '2022-06-30', 2022),
        ...versions.map((v) => p.destination(id, v)),
      ]);
      const rnd = seededRandom(seed);
      const shuffled = [...events];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rnd(i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      for (const delivery of [events, shuffled]) {
        const c = projectInBatches(delivery);
        for (const day of asOfDays(histories)) {
          const expected = placementByDefinition(histories, day);
          const byCategory = Object.fromEntries(
            Object.keys(expected.byCategory).map((k) => [k, asOf(c, 'graduates.by_category', day, (d) => d.category === k)]),
          );
          expect({ seed, day, ...figures(c, day), byCategory }).toEqual({
            seed,
            day,
            total: expected.total,
            placed: expected.placed,
            localEmployed: expected.localEmployed,
            byCategory: expected.byCategory,
          });
          expect(asOf(c, 'graduates.by_category', day)).toBe(Object.values(expected.byCategory).reduce((a, b) => a + b, 0));
          expect(asOf(c, 'graduates.employed_by_program', day, (d) => d.local === true)).toBe(expected.localEmployed);
        }
      }
    }
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
    const c = projectInBatches(events());
    const year = (y: number) => (d: Record<string, unknown>) => d.year === y;
    expect(sumCounters(c, 'internships.students', year(2022))).toBe(3);
    expect(sumCounters(c, 'internships.local_students', year(2022))).toBe(1);
    expect(sumCounters(c, 'internships.students', year(2021))).toBe(1);
    expect(sumCounters(c, 'internships.local_students', year(2021))).toBe(1);
    expect(sumCounters(c, 'internships.count', (d) => d.year === 2022 && d.completed === true)).toBe(1);
    expect(sumCounters(c, 'internships.students_by_kind', (d) => d.year === 2022 && d.kind === 'post')).toBe(3);
    expect(projectInBatches([...events()].reverse())).toEqual(c);
  });

  it('counts a student from the first start of the year on, as local from the first local start (DESIGN.md §5: 1 January to asOf)', () => {
    const c = projectInBatches(events());
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
    const c = projectInBatches([p.internship('I1', 'S1', { region: '650102' }), p.internship('I1', 'S1', { region: '652801' })]);
    expect(sumCounters(c, 'internships.local_students')).toBe(1);
    expect(sumCounters(c, 'internships.students')).toBe(1);
    expect(sumCounters(c, 'internships.count')).toBe(1);
  });
});
