import { CloudEvent, streamOf } from '@chanjiao/contracts';
import { EnrollmentEventFactory, smallCollegeYear } from '../../../../test/fixtures/enrollment-events';
import { programProjection, studentProjection } from './enrollment.projections';
import { cellKey, diffFacts, Fact, AnyProjection } from './projection';
import { projectionsFor } from './projection.registry';

/**
 * A pure model of the engine: per stream, events apply in sequence order (early ones wait), each
 * entity's fact difference is added to the counters. Used to check projections on fixture streams.
 */
function project(events: CloudEvent[]): Map<string, number> {
  const seen = new Set<string>();
  const position = new Map<string, number>();
  const waiting = new Map<string, CloudEvent>();
  const entities = new Map<string, { state: unknown; facts: Fact[] }>();
  const counters = new Map<string, number>();
  const apply = (e: CloudEvent) => {
    for (const p of projectionsFor(e.type) as AnyProjection[]) {
      const key = `${p.kind}:${p.entityId(e)}`;
      const cur = entities.get(key) ?? { state: p.initial(), facts: [] };
      const state = p.reduce(cur.state, e);
      const facts = p.facts(state);
      for (const d of diffFacts(cur.facts, facts)) counters.set(cellKey(d), (counters.get(cellKey(d)) ?? 0) + d.value);
      entities.set(key, { state, facts });
    }
  };
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const stream = `${streamOf(e.type)}:${e.subject}`;
    waiting.set(`${stream}#${e.sequence}`, e);
    for (let next = (position.get(stream) ?? 0) + 1; waiting.has(`${stream}#${next}`); next++) {
      apply(waiting.get(`${stream}#${next}`)!);
      waiting.delete(`${stream}#${next}`);
      position.set(stream, next);
    }
  }
  for (const [k, v] of counters) if (v === 0) counters.delete(k);
  return counters;
}

const sum = (
  counters: Map<string, number>,
  metric: string,
  where: (dims: Record<string, unknown>, day: string | null) => boolean = () => true,
) =>
  [...counters].reduce((s, [k, v]) => {
    const [m, dims, day] = JSON.parse(k) as [string, Array<[string, unknown]>, string | null];
    return m === metric && where(Object.fromEntries(dims), day) ? s + v : s;
  }, 0);

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

  it('diffFacts cancels what did not change', () => {
    const a: Fact = { metric: 'm', dims: { x: 1 }, value: 1 };
    expect(diffFacts([a], [a])).toEqual([]);
    expect(diffFacts([a], [])).toEqual([{ metric: 'm', dims: { x: 1 }, value: -1 }]);
    expect(programProjection.facts(null)).toEqual([]);
    expect(studentProjection.facts(studentProjection.initial())).toEqual([]);
  });
});
