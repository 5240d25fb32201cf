import { CloudEvent } from '@chanjiao/contracts';
import { PartnershipEventFactory, smallPartnershipYear } from '../../../../test/fixtures/partnership-events';
import { projectInBatches, sumCounters } from '../../../../test/fixtures/projection-driver';
import { AgreementReadState, agreementProjection, agreementTimeline, formatCents, toCents } from './partnership.projections';

/** The overview figures the report service computes, from in-memory counters. */
function figures(events: CloudEvent[], year: number, asOf: string) {
  const c = projectInBatches(events);
  const upTo = (day: string | null) => day === null || day <= asOf;
  const inYear = (d: Record<string, unknown>, day: string | null) => upTo(day) && d.year === year;
  const sum = (metric: string, where: (d: Record<string, unknown>, day: string | null) => boolean = (_d, day) => upTo(day)) =>
    sumCounters(c, metric, where);
  const status = (s: string) => sum('partnerships.agreement_status', (d, day) => upTo(day) && d.by === 'all' && d.status === s);
  return {
    enterprises: sum('partnerships.enterprises'),
    schoolEnterpriseSigned: sum(
      'partnerships.agreement_signed',
      (d, day) => inYear(d, day) && d.by === 'kind' && d.key === 'school_enterprise',
    ),
    governmentSchool: sum('partnerships.agreement_signed', (d, day) => inYear(d, day) && d.key === 'government_school'),
    university: sum('partnerships.agreement_signed', (d, day) => inYear(d, day) && d.by === 'kind' && d.key === 'university'),
    certificatePilots: sum('partnerships.certificate_pilots'),
    certificatePilotEnterprises: sum('partnerships.pilot_partners'),
    industryColleges: sum('partnerships.industry_colleges'),
    orderClassStudents: sum('partnerships.order_class_students', (d) => d.cohortYear === year),
    investmentCents: sum('training_bases.investment', inYear),
    active: status('active'),
    expired: status('expired'),
    terminated: status('terminated'),
    passed: sum('partnerships.pilot_results', (d) => d.year === year && d.measure === 'passed'),
  };
}

describe('partnership projections', () => {
  const events = smallPartnershipYear(new PartnershipEventFactory('T1'));

  it('overview figures of the fixture: ever vs this year, renewed, terminated, expired', () => {
    expect(figures(events, 2022, '2022-12-31')).toEqual({
      enterprises: 3, // E1, E2, E3; E4 signed only a government agreement; A7 (2023) adds no one
      schoolEnterpriseSigned: 3, // A2, A3, A4 (A1 was 2021, A7 is after asOf)
      governmentSchool: 1,
      university: 1,
      certificatePilots: 3, // X4 launches in 2023
      certificatePilotEnterprises: 2, // E1 (two pilots), E2
      industryColleges: 1,
      orderClassStudents: 125, // 40 + 35 (updated from 30) + 50
      investmentCents: 30, // 0.10 + 0.20
      active: 4, // A1, A2 (renewed before expiry), A5, A6
      expired: 1, // A4
      terminated: 1, // A3
      passed: 55, // X1 36 (the later report replaces 30) + X2 19
    });
    const mid = figures(events, 2022, '2022-07-15');
    expect(mid).toMatchObject({ enterprises: 3, schoolEnterpriseSigned: 3, governmentSchool: 1, university: 0, active: 5, expired: 0 });
    expect(figures(events, 2021, '2021-12-31')).toMatchObject({ enterprises: 1, schoolEnterpriseSigned: 1, investmentCents: 40300000000 });
    expect(figures(events, 2023, '2023-12-31')).toMatchObject({ enterprises: 3, schoolEnterpriseSigned: 1, certificatePilots: 4 });
  });

  it('duplicates, reversal and shuffling change nothing (partner and agreement streams in any relative order)', () => {
    const clean = projectInBatches(events);
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const shuffled = [...events, ...events.slice(0, 10)];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(projectInBatches([...events, ...events])).toEqual(clean);
    expect(projectInBatches([...events].reverse())).toEqual(clean);
    expect(projectInBatches(shuffled)).toEqual(clean);
  });

  it('an enterprise counts from its earliest school-enterprise agreement, once, whatever arrives first', () => {
    const f = new PartnershipEventFactory('T2');
    const later = f.signed('L', ['E9'], { signedOn: '2022-09-01' });
    const earlier = f.signed('K', ['E9'], { signedOn: '2022-02-01' });
    const partner = f.partner('E9');
    for (const order of [
      [later, earlier, partner],
      [partner, earlier, later],
      [earlier, partner, later],
    ]) {
      const c = projectInBatches(order);
      expect(sumCounters(c, 'partnerships.enterprises', (_d, day) => day! <= '2022-01-31')).toBe(0);
      expect(sumCounters(c, 'partnerships.enterprises', (_d, day) => day! <= '2022-02-01')).toBe(1);
      expect(sumCounters(c, 'partnerships.enterprises')).toBe(1);
    }
    // A partner that turns out not to be an enterprise stops counting.
    const c = projectInBatches([partner, earlier, f.partner('E9', { kind: 'association' })]);
    expect(sumCounters(c, 'partnerships.enterprises')).toBe(0);
  });

  it('enterprises by their own sector sum to the enterprises at every date, and move when the partner changes sector', () => {
    const c = projectInBatches(events);
    const bySector = (date: string) => {
      const out: Record<string, number> = {};
      for (const sector of ['textiles', 'mining', 'other'])
        out[sector] = sumCounters(c, 'partnerships.enterprises_by_sector', (d, day) => d.sector === sector && day! <= date);
      return out;
    };
    // E1 (textiles) from A1 in 2021; E2 (mining) and E3 (textiles) in 2022; E4 never (government agreement only).
    expect(bySector('2021-12-31')).toEqual({ textiles: 1, mining: 0, other: 0 });
    expect(bySector('2022-12-31')).toEqual({ textiles: 2, mining: 1, other: 0 });
    for (const date of ['2021-05-09', '2021-12-31', '2022-03-01', '2022-12-31', '2023-12-31'])
      expect(sumCounters(c, 'partnerships.enterprises_by_sector', (_d, day) => day! <= date)).toBe(
        sumCounters(c, 'partnerships.enterprises', (_d, day) => day! <= date),
      );
    const f = new PartnershipEventFactory('T3');
    const moved = [f.partner('E9'), f.signed('K', ['E9'], { signedOn: '2022-02-01' }), f.partner('E9', { sector: 'green_energy' })];
    for (const order of [moved, [...moved].reverse()]) {
      const m = projectInBatches(order);
      expect(sumCounters(m, 'partnerships.enterprises_by_sector', (d) => d.sector === 'green_energy')).toBe(1);
      expect(sumCounters(m, 'partnerships.enterprises_by_sector')).toBe(1);
    }
  });

  it('status timeline follows the dates: expiry the day after expiresOn, renewal after expiry reactivates, termination ends', () => {
    expect(agreementTimeline({ ...base, expiresOn: '2022-12-31' })).toEqual([
      { day: '2022-01-01', status: 'active' },
      { day: '2023-01-01', status: 'expired' },
    ]);
    expect(
      agreementTimeline({
        ...base,
        expiresOn: '2022-12-31',
        renewals: [{ date: '2023-02-01', expiresOn: '2024-12-31' }],
        terminatedOn: '2024-03-01',
      }),
    ).toEqual([
      { day: '2022-01-01', status: 'active' },
      { day: '2023-01-01', status: 'expired' },
      { day: '2023-02-01', status: 'active' },
      { day: '2024-03-01', status: 'terminated' },
    ]);
    expect(agreementTimeline({ ...base, expiresOn: '2022-12-31', renewals: [{ date: '2022-12-01', expiresOn: '2023-12-31' }] })).toEqual([
      { day: '2022-01-01', status: 'active' },
      { day: '2024-01-01', status: 'expired' },
    ]);
  });

  it('a termination dated before expiry gives the same figures and state whether the expiry came first or never', () => {
    // The same agreement in two institutions: in one the expiry job ran before the termination was recorded.
    const expiredFirst = new PartnershipEventFactory('EXP');
    const terminatedFirst = new PartnershipEventFactory('TER');
    const sign = (f: PartnershipEventFactory) => f.signed('A', ['E1'], { signedOn: '2022-01-10', expiresOn: '2022-06-30' });
    const orders = {
      expiredFirst: [sign(expiredFirst), expiredFirst.expired('A', '2022-06-30', '2022-07-01'), expiredFirst.terminated('A', '2022-05-15')],
      terminatedFirst: [sign(terminatedFirst), terminatedFirst.terminated('A', '2022-05-15')],
    };
    const days = ['2022-01-09', '2022-01-10', '2022-05-14', '2022-05-15', '2022-06-30', '2022-07-01', '2022-12-31', '2023-12-31'];
    const seen = Object.values(orders).map((events) => ({
      figures: days.map((d) => figures(events, 2022, d)),
      reversed: days.map((d) => figures([...events].reverse(), 2022, d)),
      state: events.reduce<AgreementReadState | null>((st, e) => agreementProjection.reduce(st, e), null),
    }));
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]!.reversed).toEqual(seen[0]!.figures);
    expect(seen[0]!.figures.map((f) => [f.active, f.expired, f.terminated])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(agreementTimeline(seen[0]!.state!)).toEqual([
      { day: '2022-01-10', status: 'active' },
      { day: '2022-05-15', status: 'terminated' },
    ]);
  });

  it('money is integer cents, formatted without floating point', () => {
    expect(toCents('403000000.00')).toBe(40300000000);
    expect(toCents('0.1') + toCents('0.2')).toBe(30);
    expect(formatCents(toCents('0.1') + toCents('0.2'))).toBe('0.30');
    expect(formatCents(toCents('9999999999999.99'))).toBe('9999999999999.99');
    expect(formatCents(0)).toBe('0.00');
  });
});

const base = {
  kind: 'school_enterprise' as const,
  forms: [],
  sectors: [],
  partnerIds: ['E1'],
  signedOn: '2022-01-01',
  expiresOn: null as string | null,
  renewals: [] as Array<{ date: string; expiresOn: string }>,
  terminatedOn: null as string | null,
};
