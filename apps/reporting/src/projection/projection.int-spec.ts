import { expectEventually, HttpClient } from '@chanjiao/testing';
import { deliveryVariants, startRedelivery, TestStack } from '@chanjiao/test-support';
import { EnrollmentEventFactory, smallCollegeYear } from '../../../../test/fixtures/enrollment-events';

/**
 * The same year of events delivered cleanly, twice over, in reverse and shuffled with duplicates,
 * to four institutions: every figure must be the same. Small consumer batches make the reordering
 * cross batch (and so transaction) boundaries, through the parked-events table.
 */
describe('reporting projections under redelivery and reordering (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let admin: HttpClient;

  beforeAll(async () => {
    ({ stack, admin } = await startRedelivery(deliveryVariants({ seed: 42, duplicate: [0, 6] }), (name) =>
      smallCollegeYear(new EnrollmentEventFactory(name)),
    ));
  });
  afterAll(() => stack?.close());

  const figures = async (institution: string) => {
    const fresh = await admin.get(`/reports/freshness?institution=${institution}`);
    const overview = await admin.get(`/reports/overview?institution=${institution}&year=2022&asOf=2022-12-31`);
    const early = await admin.get(`/reports/overview?institution=${institution}&year=2022&asOf=2022-09-14`);
    const byProgram = await admin.get(`/reports/enrollment?institution=${institution}&year=2022&asOf=2023-12-31&by=program`);
    const strip = ({ institution: _i, asOf: _a, ...rest }: Record<string, any>) => rest;
    return {
      parked: fresh.body.eventsParked as number,
      applied: fresh.body.eventsApplied,
      overview: strip(overview.body),
      early: strip(early.body),
      byProgram: strip(byProgram.body),
    };
  };

  it('every delivery order and duplication gives the figures of one clean delivery', async () => {
    const clean = await expectEventually(async () => {
      const f = await figures('CLEAN');
      expect(f.applied).toBe(12);
      return f;
    });
    expect(clean.overview).toMatchObject({
      programs: { open: 2, higherVocational: 1, undergraduate: 1, categories: 2, clusters: 1, alignedShare: 0.5 },
      intake: { total: 3, undergraduate: 1, higherVocational: 2, secondary: 0, through23: 1 },
      graduates: { cohort: 2022, total: 1 },
    });
    expect(clean.early.intake.total).toBe(4);
    for (const name of ['TWICE', 'REVERSED', 'SHUFFLED']) {
      await expectEventually(async () => expect(await figures(name)).toEqual(clean));
    }
  });
});
