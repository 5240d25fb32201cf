import { expectEventually, HttpClient } from '@chanjiao/testing';
import { deliveryVariants, startRedelivery, TestStack } from '@chanjiao/test-support';
import { PartnershipEventFactory, smallPartnershipYear } from '../../../../test/fixtures/partnership-events';

/**
 * The partnership fixture delivered cleanly, twice over, reversed and shuffled with duplicates, to
 * four institutions: the partnership figures must be the same. Small consumer batches make the
 * reordering cross transactions (parked events) and the partner/agreement streams interleave freely.
 */
describe('partnership projections under redelivery and reordering (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let admin: HttpClient;

  beforeAll(async () => {
    ({ stack, admin } = await startRedelivery(deliveryVariants({ seed: 99, duplicate: [0, 12] }), (name) =>
      smallPartnershipYear(new PartnershipEventFactory(name)),
    ));
  });
  afterAll(() => stack?.close());

  const figures = async (institution: string) => {
    const get = async (path: string) => {
      const { institution: _i, asOf: _a, ...rest } = (await admin.get(`${path}&institution=${institution}`)).body;
      return rest;
    };
    const fresh = await admin.get(`/reports/freshness?institution=${institution}`);
    return {
      applied: fresh.body.eventsApplied,
      parked: fresh.body.eventsParked,
      overview: await get('/reports/overview?year=2022&asOf=2022-12-31'),
      early: await get('/reports/overview?year=2021&asOf=2023-06-20'),
      byKind: await get('/reports/partnerships?year=2022&asOf=2022-12-31&by=kind'),
      bySector: await get('/reports/partnerships?year=2022&asOf=2022-12-31&by=sector'),
      byYear: await get('/reports/partnerships?year=2023&asOf=2023-12-31&by=year'),
      expiring: await get('/reports/partnerships/expiring?within=400&asOf=2025-06-01'),
    };
  };

  it('every delivery order and duplication gives the figures of one clean delivery', async () => {
    const count = smallPartnershipYear(new PartnershipEventFactory('X')).length;
    const clean = await expectEventually(async () => {
      const f = await figures('CLEAN');
      expect(f.applied).toBe(count);
      return f;
    });
    expect(clean.overview.partnerships).toEqual({
      enterprises: 3,
      schoolEnterpriseSigned: 3,
      governmentSchool: 1,
      university: 1,
      certificatePilots: 3,
      certificatePilotEnterprises: 2,
      industryColleges: 1,
      orderClasses: { programs: 2, students: 125 },
    });
    expect(clean.overview.trainingBases).toEqual({ investment: '0.30' });
    // Year 2021 as of 2023-06-20: the year's window ends on 31 December 2021 (DESIGN.md §5): I1 and A1 alone.
    expect(clean.early.trainingBases).toEqual({ investment: '403000000.00' });
    expect(clean.early.partnerships).toMatchObject({ schoolEnterpriseSigned: 1, governmentSchool: 0, university: 0 });
    expect(clean.byKind.totals).toMatchObject({ signed: 5, active: 4, expired: 1, terminated: 1, renewed: 1 });
    expect(clean.expiring.agreements.map((a: { agreementId: string }) => a.agreementId)).toEqual(['A2', 'A1']);
    for (const name of ['TWICE', 'REVERSED', 'SHUFFLED']) {
      await expectEventually(async () => expect(await figures(name)).toEqual(clean));
    }
  });
});
