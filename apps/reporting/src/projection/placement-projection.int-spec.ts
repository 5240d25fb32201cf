import { expectEventually, HttpClient } from '@chanjiao/testing';
import { deliveryVariants, startRedelivery, TestStack } from '@chanjiao/test-support';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { PlacementEventFactory, placementYear } from '../../../../test/fixtures/placement-events';
import {
  asOfDays,
  expectedPlacementReports,
  randomDestinationHistories,
  reportedPlacement,
} from '../../../../test/fixtures/destination-histories';

/**
 * Graduation, destination and internship events delivered cleanly, twice, in reverse (destination
 * versions before their predecessors, destinations before graduations) and shuffled with
 * duplicates, to four institutions: every placement figure must be the same.
 */
describe('placement projections under redelivery and reordering (real RabbitMQ and PostgreSQL)', () => {
  let stack: TestStack;
  let admin: HttpClient;
  let eventCount = 0;

  beforeAll(async () => {
    ({ stack, admin } = await startRedelivery(deliveryVariants({ seed: 7, duplicate: [4, 14] }), (name) => {
      const clean = placementYear(new EnrollmentEventFactory(name), new PlacementEventFactory(name));
      eventCount = clean.length;
      return clean;
    }));
  });
  afterAll(() => stack?.close());

  const get = async (path: string) => {
    const res = await admin.get(path);
    expect(res.status).toBe(200);
    const { institution: _i, asOf: _a, ...rest } = res.body;
    return rest;
  };
  const figures = async (i: string) => ({
    applied: (await admin.get(`/reports/freshness?institution=${i}`)).body.eventsApplied,
    parked: (await admin.get(`/reports/freshness?institution=${i}`)).body.eventsParked,
    june: (await get(`/reports/overview?institution=${i}&year=2022&asOf=2022-06-30`)).graduates,
    august: (await get(`/reports/overview?institution=${i}&year=2022&asOf=2022-08-31`)).graduates,
    december: await get(`/reports/overview?institution=${i}&year=2022&asOf=2022-12-31`),
    byCategory: await get(`/reports/placement?institution=${i}&cohort=2022&asOf=2022-08-31&by=category`),
    byDetail: await get(`/reports/placement?institution=${i}&cohort=2022&asOf=2022-12-31&by=detail`),
    byProgram: await get(`/reports/placement?institution=${i}&cohort=2022&asOf=2022-12-31&by=program`),
    bySector: await get(`/reports/placement?institution=${i}&cohort=2022&asOf=2022-12-31&by=sector`),
    byRegion: await get(`/reports/placement?institution=${i}&cohort=2022&asOf=2022-12-31&by=region`),
    internships: await get(`/reports/internships?institution=${i}&year=2022`),
    quality: await get(`/reports/data-quality?institution=${i}`),
  });

  it('a clean delivery gives the right figures at each date', async () => {
    const f = await expectEventually(async () => {
      const f = await figures('CLEAN');
      expect(f.applied).toBe(eventCount);
      return f;
    });
    const rate = (numerator: number, denominator: number, r: number) => ({ numerator, denominator, rate: r });
    expect(f.june).toEqual({ cohort: 2022, total: 5, placed: 1, notPlaced: 4, placement: rate(1, 5, 0.2), localEmployed: 0 });
    expect(f.august).toEqual({ cohort: 2022, total: 5, placed: 2, notPlaced: 3, placement: rate(2, 5, 0.4), localEmployed: 1 });
    expect(f.december.graduates).toEqual({ cohort: 2022, total: 5, placed: 4, notPlaced: 1, placement: rate(4, 5, 0.8), localEmployed: 2 });
    expect(f.december.internships).toEqual({ students: 3, localStudents: 2 });
    expect(f.byCategory.rows).toEqual([
      { key: 'contract', ...rate(1, 5, 0.2) },
      { key: 'entrepreneurship', ...rate(1, 5, 0.2) },
      { key: 'not_placed', ...rate(1, 5, 0.2) },
      { key: 'unrecorded', ...rate(2, 5, 0.4) },
    ]);
    expect(f.byCategory.totals).toEqual(rate(2, 5, 0.4));
    expect(f.byProgram.rows).toEqual([
      { key: 'P1', label: 'Program P1', ...rate(3, 3, 1) },
      { key: 'P2', label: 'Program P2', ...rate(1, 2, 0.5) },
    ]);
    expect(f.byDetail.rows.map((r: { key: string; numerator: number }) => [r.key, r.numerator])).toEqual([
      ['labor_contract', 2],
      ['none', 1],
      ['postgraduate', 1],
      ['unrecorded', 1],
    ]);
    expect(f.byRegion.rows).toEqual([
      { key: '650102', local: false, ...rate(1, 5, 0.2) },
      { key: '652801', local: true, ...rate(3, 5, 0.6) },
      { key: 'unrecorded', ...rate(1, 5, 0.2) },
    ]);
    expect(f.bySector.rows.map((r: { key: string; numerator: number }) => [r.key, r.numerator])).toEqual([
      ['chemical_materials', 1],
      ['commerce_logistics', 1],
      ['none', 1],
      ['textiles', 1],
      ['unrecorded', 1],
    ]);
    expect(f.internships).toMatchObject({ year: 2022, students: 3, localStudents: 2, internships: 4, completed: 1 });
    expect(f.internships.byKind).toEqual([
      { kind: 'follow', internships: 1, local: 1, completed: 0, students: 1 },
      { kind: 'post', internships: 3, local: 1, completed: 1, students: 3 },
    ]);
    expect(f.quality).toEqual({
      year: null,
      destinationsWithoutGraduation: {
        count: 1,
        items: [{ studentId: 'X1', graduationYear: 2022, programCode: 'P1', category: 'contract', effectiveDate: '2022-07-01' }],
      },
      graduationsWithoutDestination: { count: 1, items: [{ studentId: 'G4', graduationYear: 2022, programCode: 'P2' }] },
      internshipsOfUnknownStudents: { count: 1, internships: 1, items: [{ studentId: 'U1', internshipIds: ['I4'] }] },
    });
    expect(f.parked).toBe(0);
  });

  it('redelivered, reversed and shuffled deliveries give the same figures', async () => {
    const clean = await expectEventually(async () => {
      const f = await figures('CLEAN');
      expect(f.applied).toBe(eventCount);
      return f;
    });
    for (const name of ['TWICE', 'REVERSED', 'SHUFFLED']) {
      await expectEventually(async () => expect(await figures(name)).toEqual(clean));
    }
  });

  it('data quality filters by year and limits the lists, not the counts', async () => {
    const q = await get('/reports/data-quality?institution=CLEAN&year=2021&limit=0');
    expect(q.destinationsWithoutGraduation).toEqual({ count: 0, items: [] });
    expect(q.graduationsWithoutDestination).toEqual({ count: 0, items: [] });
    expect(q.internshipsOfUnknownStudents).toEqual({ count: 1, internships: 1, items: [] });
    const bad = await admin.get('/reports/placement?institution=CLEAN&cohort=20x&by=colour&asOf=2022-02-30');
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['asOf', 'by', 'cohort']);
  });
});

/**
 * Destination histories recorded in any order of effective dates (corrections dated before, on and after what they
 * correct), delivered cleanly, twice, in reverse and shuffled: at every date, the overview and the placement report
 * answer what DESIGN.md §5's definition gives, counted without the code under test.
 */
describe('destination corrections in any order of dates, at many asOf dates (real RabbitMQ and PostgreSQL)', () => {
  const histories = randomDestinationHistories(26, 30);
  let stack: TestStack;
  let admin: HttpClient;
  let eventCount = 0;

  beforeAll(async () => {
    ({ stack, admin } = await startRedelivery(deliveryVariants({ seed: 11, duplicate: [10, 30] }), (name) => {
      const e = new EnrollmentEventFactory(name);
      const p = new PlacementEventFactory(name);
      const events = [...histories].flatMap(([id, versions]) => [
        e.enrolled(id, { cohortYear: 2019 }),
        e.graduated(id, '2022-06-30', 2022),
        ...versions.map((v) => p.destination(id, v)),
      ]);
      eventCount = events.length;
      return events;
    }));
  });
  afterAll(() => stack?.close());

  it('every delivery gives the figures of the definition on every date', async () => {
    expect([...histories.values()].some((v) => v.some((x, i) => i > 0 && x.effectiveDate < v[i - 1]!.effectiveDate))).toBe(true);
    for (const name of ['CLEAN', 'TWICE', 'REVERSED', 'SHUFFLED']) {
      await expectEventually(async () => {
        const f = (await admin.get(`/reports/freshness?institution=${name}`)).body;
        expect([f.eventsApplied, f.eventsParked]).toEqual([eventCount, 0]);
      });
      for (const day of asOfDays(histories)) {
        expect({ name, day, ...(await reportedPlacement(admin, day, `institution=${name}&`)) }).toEqual({
          name,
          day,
          ...expectedPlacementReports(histories, day),
        });
      }
    }
  });
});
