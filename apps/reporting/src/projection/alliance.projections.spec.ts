import { CloudEvent } from '@chanjiao/contracts';
import { AllianceEventFactory, allianceYear } from '../../../../test/fixtures/alliance-events';
import { projectInBatches, sumCounters } from '../../../../test/fixtures/projection-driver';
import { amountToCents } from './alliance.projections';

const asOf = (date: string) => (_dims: Record<string, unknown>, day: string | null) => day === null || day <= date;

describe('alliance projections', () => {
  const counters = projectInBatches(allianceYear(new AllianceEventFactory('BZVTC')));
  const members = (date: string, where: (d: Record<string, unknown>) => boolean = () => true) =>
    sumCounters(counters, 'alliance.members', (d, day) => asOf(date)(d, day) && where(d));

  it('counts alliances from their founding day, with the latest role', () => {
    expect(sumCounters(counters, 'alliances', asOf('2022-12-31'))).toBe(3);
    expect(sumCounters(counters, 'alliances', asOf('2023-12-31'))).toBe(4);
    expect(
      sumCounters(
        counters,
        'alliances',
        (d, day) => asOf('2022-12-31')(d, day) && ['chair', 'secretary_general'].includes(d.role as string),
      ),
    ).toBe(2);
  });

  it('members follow joins, role changes, departures and re-joins day by day', () => {
    expect(members('2022-12-31')).toBe(5);
    expect(members('2022-12-30')).toBe(6); // R1 leaves A2 on the 31st
    expect(members('2022-12-31', (d) => d.allianceId === 'A1')).toBe(3);
    expect(members('2022-12-31', (d) => d.allianceId === 'A1' && d.role === 'council')).toBe(2);
    // Before E1's role change and V1's re-join: E1 member, U1 vice_chair, G1 member.
    expect(members('2022-02-28', (d) => d.allianceId === 'A1')).toBe(3);
    expect(members('2022-02-28', (d) => d.allianceId === 'A1' && d.role === 'council')).toBe(0);
    expect(members('2022-02-28', (d) => d.role === 'vice_chair')).toBe(1);
    // V1 between its two periods.
    expect(members('2021-12-31', (d) => d.allianceId === 'A1' && d.memberKind === 'vocational_college')).toBe(0);
    expect(members('2020-06-01', (d) => d.allianceId === 'A1' && d.memberKind === 'vocational_college')).toBe(1);
  });

  it('joins and departures count in the year they are dated', () => {
    const inYear = (metric: string, alliance: string) => sumCounters(counters, metric, (d) => d.year === 2022 && d.allianceId === alliance);
    expect(inYear('alliance.joins', 'A1')).toBe(2);
    expect(inYear('alliance.departures', 'A1')).toBe(1);
    expect(inYear('alliance.departures', 'A2')).toBe(1);
    expect(inYear('alliance.joins', 'A3')).toBe(1);
  });

  it('contributions count by kind and sum exactly in cents', () => {
    const a1 = (metric: string, kind?: string) =>
      sumCounters(counters, metric, (d) => d.year === 2022 && d.allianceId === 'A1' && (!kind || d.kind === kind));
    expect(a1('alliance.contributions')).toBe(4);
    expect(a1('alliance.contribution_cents', 'funds')).toBe(10000075);
    expect(a1('alliance.contribution_cents')).toBe(360000075);
    expect(amountToCents('0.1')).toBe(10);
    expect(amountToCents('9999999999999.99')).toBe(999999999999999);
  });

  it('each forum keeps its own participant count (the largest is a max, not a sum); listed participants are distinct cells', () => {
    const forums = [...counters].filter(([k]) => k.startsWith('["alliance.activity_participants"') && k.includes('"forum"'));
    const of2022 = forums.filter(([k]) => k.includes('["year",2022]')).map(([, v]) => v);
    expect(of2022.sort()).toEqual([2, 42]);
    expect(sumCounters(counters, 'alliance.activity_participant', (d) => d.year === 2022 && d.allianceId === 'A1')).toBe(4);
  });

  it('activities published as v1 (upcast) count as the same activities published as v2, in any order', () => {
    const activities = (v1: boolean) => {
      const f = new AllianceEventFactory('BZVTC');
      const held = v1 ? f.activityV1.bind(f) : f.activity.bind(f);
      return [
        held('A1', 'F1', { participants: ['E1', 'V1', '新疆大学'] }),
        held('A1', 'F2', { participants: ['E1'], participantCount: 40 }),
        f.activity('A1', 'F3', { participants: ['E1', 'G1'] }),
      ];
    };
    const v2 = projectInBatches(activities(false));
    expect(sumCounters(v2, 'alliance.activity_participants')).toBe(3 + 40 + 2);
    expect(projectInBatches(activities(true))).toEqual(v2);
    expect(projectInBatches(activities(true).reverse())).toEqual(v2);
  });

  it('duplicates and any delivery order give the same counters', () => {
    const events = allianceYear(new AllianceEventFactory('BZVTC'));
    const clean = projectInBatches(events);
    const reversed = projectInBatches([...events].reverse());
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const shuffled: CloudEvent[] = [...events, ...events.slice(3, 15)];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(reversed).toEqual(clean);
    expect(projectInBatches(shuffled)).toEqual(clean);
    expect(projectInBatches([...events, ...events])).toEqual(clean);
  });
});
