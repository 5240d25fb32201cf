import { isCreditCode } from '@chanjiao/contracts';
import { demoPrograms } from './enrollment-data';
import { demoPartnership, PartnershipDataSet } from './partnership-data';
import { seeded } from './random';

/** The overview's partnership figures computed from the data set by DESIGN.md §5, independently of reporting. */
function figures(d: PartnershipDataSet, year: number, asOf: string) {
  const kindOf = new Map(d.partners.map((p) => [p.partnerId, p.kind]));
  // 1 January to asOf, or to 31 December when asOf is later.
  const inRange = (date: string) => date >= `${year}-01-01` && date <= asOf && date <= `${year}-12-31`;
  const se = d.agreements.filter((a) => a.kind === 'school_enterprise');
  const students = new Map(d.orderClasses.map((o) => [o.orderClassId, o]));
  for (const c of d.orderClassCorrections) students.set(c.orderClassId, c);
  const cohort = [...students.values()].filter((o) => o.cohortYear === year);
  const launched = d.pilots.filter((p) => p.launchedOn <= asOf);
  const cents = d.investments.filter((i) => inRange(i.date)).reduce((s, i) => s + BigInt(i.amount.replace('.', '')), 0n);
  return {
    enterprises: new Set(se.filter((a) => a.signedOn <= asOf).flatMap((a) => a.partnerIds.filter((id) => kindOf.get(id) === 'enterprise')))
      .size,
    schoolEnterpriseSigned: se.filter((a) => inRange(a.signedOn)).length,
    governmentSchool: d.agreements.filter((a) => a.kind === 'government_school' && inRange(a.signedOn)).length,
    university: d.agreements.filter((a) => a.kind === 'university' && inRange(a.signedOn)).length,
    certificatePilots: launched.length,
    certificatePilotEnterprises: new Set(launched.map((p) => p.partnerId)).size,
    industryColleges: d.industryColleges.filter((c) => c.foundedOn <= asOf).length,
    orderClasses: { programs: new Set(cohort.map((o) => o.programCode)).size, students: cohort.reduce((s, o) => s + o.students, 0) },
    investment: `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`,
  };
}

describe('the partnerships office demo data set', () => {
  it.each([20220620, 1, 42, 777])('gives the source figures as of 2023-06-20 whatever the random draws (seed %i)', (seed) => {
    const d = demoPartnership(seeded(seed), demoPrograms());
    const { investment: _i, ...y2022 } = figures(d, 2022, '2023-06-20');
    expect(y2022).toEqual({
      enterprises: 453,
      schoolEnterpriseSigned: 148,
      governmentSchool: 10,
      university: 3,
      certificatePilots: 23,
      certificatePilotEnterprises: 23,
      industryColleges: 4,
      orderClasses: { programs: 7, students: 120 },
    });
    expect(figures(d, 2021, '2023-06-20').investment).toBe('403000000.00');
    // Later records make the figures move with asOf, except counts of the year, which end on 31 December.
    expect(figures(d, 2022, '2023-12-31')).toMatchObject({
      enterprises: 454,
      schoolEnterpriseSigned: 148,
      certificatePilots: 24,
      industryColleges: 5,
    });
    expect(figures(d, 2021, '2023-12-31').investment).toBe('403000000.00');
    expect(figures(d, 2022, '2023-12-31').investment).toBe('8350000.00');
  });

  it('is deterministic, with valid and unique ids and credit codes, renewals and terminations the API accepts', () => {
    const a = demoPartnership(seeded(20220620), demoPrograms());
    expect(demoPartnership(seeded(20220620), demoPrograms())).toEqual(a);
    expect(a.partners.every((p) => isCreditCode(p.creditCode))).toBe(true);
    for (const ids of [
      a.partners.map((p) => p.partnerId),
      a.partners.map((p) => p.creditCode),
      a.partners.map((p) => p.name),
      a.agreements.map((x) => x.agreementId),
    ]) {
      expect(new Set(ids).size).toBe(ids.length);
    }
    const agreementIds = new Set(a.agreements.map((x) => x.agreementId));
    expect([...a.renewals, ...a.terminations].every((r) => agreementIds.has(r.agreementId))).toBe(true);
    const renewed = new Set(a.renewals.map((r) => r.agreementId));
    expect(a.terminations.some((t) => renewed.has(t.agreementId))).toBe(false);
    expect(a.renewals.length).toBeGreaterThan(5);
    expect(a.terminations.length).toBeGreaterThan(3);
    expect(a.agreements.filter((x) => x.expiresOn && x.expiresOn > '2023-06-20' && x.expiresOn <= '2023-12-31').length).toBeGreaterThan(0);
  });
});
