import { CloudEvent } from '@chanjiao/contracts';
import { EnrollmentEventFactory, smallCollegeYear } from '../../../../test/fixtures/enrollment-events';
import { projectInBatches, sumCounters } from '../../../../test/fixtures/projection-driver';
import { programProjection, studentProjection } from './enrollment.projections';
import { diffCells, Fact } from './projection';
import { CounterMetric } from './counter-metric';

const project = (events: CloudEvent[]) => projectInBatches(events);
const sum = sumCounters;

describe('enrollment projections', () => {
  const f = new EnrollmentEventFactory('BZVTC');
  const year = smallCollegeYear(f);
  const counters = project(year);

  it('counts open programs only, with levels, categories and alignment', () => {
    expect(sum(counters, 'programs.open')).toBe(2);
    expect(sum(counters, 'programs.open', (d) => d.level === 'undergraduate')).toBe(1);
    expect(sum(counters, 'programs.open', (d) => d.aligned === true)).toBe(1);
  });

  it('intake takes a cancellation back from its date on; withdrawals do not reduce intake', () => {
    const intake = (asOf: string) =>
      sum(counters, 'intake', (d, day) => d.cohortYear === 2022 && d.pathway !== 'through_2_3' && (day === null || day <= asOf));
    expect(intake('2022-09-14')).toBe(4); // S1, S2, S4, S6
    expect(intake('2022-09-15')).toBe(3); // S4 cancelled that day
    expect(intake('2023-12-31')).toBe(3); // S6's withdrawal does not reduce it
    expect(sum(counters, 'intake', (d) => d.pathway === 'through_2_3')).toBe(1);
  });

  it('graduates count in their graduation year', () => {
    expect(sum(counters, 'graduates', (d) => d.graduationYear === 2022)).toBe(1);
  });

  it('a suspended program leaves the counts; reopening brings it back', () => {
    const g = new EnrollmentEventFactory('X');
    const opened = g.program('A');
    const suspended = g.program('A', { status: 'suspended' });
    expect(sum(project([opened, suspended]), 'programs.open')).toBe(0);
    expect(sum(project([opened, suspended, g.program('A', { status: 'open' })]), 'programs.open')).toBe(1);
  });

  it('duplicates and any order of delivery give the same counters as one clean delivery', () => {
    const shuffled = [...year].reverse();
    const duplicated = year.flatMap((e) => [e, e]);
    expect(project(shuffled)).toEqual(counters);
    expect(project(duplicated)).toEqual(counters);
    let seed = 7;
    const random = [...year, ...year.slice(0, 5)].sort(() => ((seed = (seed * 16807) % 2147483647) % 3) - 1);
    expect(project(random)).toEqual(counters);
  });

  it('a transfer keeps intake on the enrolled program and moves graduates to the new one', () => {
    const g = new EnrollmentEventFactory('X');
    const c = project([g.enrolled('S'), g.transferred('S', '2023-02-01', 'P1', 'P2'), g.graduated('S', '2025-06-30', 2025, 'P2')]);
    expect(sum(c, 'intake', (d) => d.programCode === 'P1')).toBe(1);
    expect(sum(c, 'graduates', (d) => d.programCode === 'P2')).toBe(1);
  });

  it('diffCells cancels what did not change', () => {
    const a: Fact = { metric: CounterMetric.Intake, dims: { x: 1 }, value: 1 };
    expect([...diffCells([a], [a]).values()]).toEqual([]);
    expect([...diffCells([a], []).values()]).toEqual([{ metric: CounterMetric.Intake, dims: { x: 1 }, value: -1 }]);
    expect(programProjection.facts(null)).toEqual([]);
    expect(studentProjection.facts(studentProjection.initial())).toEqual([]);
  });
});
