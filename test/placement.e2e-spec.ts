import { Client } from 'pg';
import type { CloudEvent } from '@chanjiao/contracts';
import { expectEventually, httpClient, HttpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { publishEvents } from '@chanjiao/testing';
import { asOfDays, expectedPlacementReports, randomDestinationHistories, reportedPlacement } from './fixtures/destination-histories';

/** Careers-office writes to placement and admissions writes to enrollment meet in the placement figures, through RabbitMQ. */
describe('placement to report, end to end', () => {
  let stack: TestStack;
  let placement: HttpClient;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'placement', 'reporting'] });
    placement = stack.api('placement');
  });
  afterAll(() => stack?.close());

  const overview = async (asOf: string) => {
    const res = await stack.reporting.get(`/reports/overview?year=2022&asOf=${asOf}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const destination = (patch: Record<string, unknown>) => ({
    graduationYear: 2022,
    programCode: '460103',
    effectiveDate: '2022-07-01',
    verified: true,
    ...patch,
  });

  it('a cohort with a correction gives the placement rate and local employment of each date', async () => {
    await stack.enrollment.put('/programs/460103', {
      name: '石油化工技术',
      category: '47',
      level: 'higher_vocational',
      sectors: ['chemical_materials'],
      status: 'open',
    });
    const students = ['2019001', '2019002', '2019003'];
    const enrolled = await stack.enrollment.post(
      '/enrollments:batch',
      students.map((studentId) => ({ studentId, programCode: '460103', cohortYear: 2019, level: 'higher_vocational', pathway: 'regular' })),
    );
    expect(enrolled.body.summary.created).toBe(3);
    const graduated = await stack.enrollment.post(
      '/enrollments/graduation:batch',
      students.map((studentId) => ({ studentId, date: '2022-06-30', graduationYear: 2022 })),
    );
    expect(graduated.body.summary.updated).toBe(3);

    // 2019001: not placed on 1 July, then a local labour contract from 1 October (a correction: version 2).
    expect((await placement.put('/destinations/2019001', destination({ category: 'not_placed', detail: 'seeking' }))).status).toBe(201);
    const v2 = await placement.put(
      '/destinations/2019001',
      destination({
        category: 'contract',
        detail: 'labor_contract',
        region: '652801',
        sector: 'chemical_materials',
        effectiveDate: '2022-10-01',
      }),
    );
    expect(v2).toMatchObject({ status: 200, body: { version: 2 } });
    // 2019002: flexible work in Korla from 15 August. 2019003: no destination yet. 2099001: no graduation record.
    const batch = await placement.put('/destinations:batch', [
      {
        studentId: '2019002',
        ...destination({ category: 'flexible', detail: 'freelance', region: '652801', effectiveDate: '2022-08-15' }),
      },
      { studentId: '2099001', ...destination({ category: 'further_study', detail: 'upgrade_to_bachelor' }) },
    ]);
    expect(batch.body.summary.created).toBe(2);
    // Internships: a local one for 2019001, one elsewhere for 2019002, one for a student the college never enrolled.
    const internships = await placement.post('/internships:batch', [
      { internshipId: 'IN1', studentId: '2019001', kind: 'post', region: '652801', startDate: '2022-02-20' },
      { internshipId: 'IN2', studentId: '2019002', kind: 'post', region: '650104', startDate: '2022-03-01', endDate: '2022-06-01' },
      { internshipId: 'IN3', studentId: 'GHOST1', kind: 'cognitive', region: '652801', startDate: '2022-04-01' },
    ]);
    expect(internships.body.summary.created).toBe(3);

    const rate = (numerator: number, denominator: number, r: number) => ({ numerator, denominator, rate: r });
    await expectEventually(async () => {
      const dec = await overview('2022-12-31');
      expect(dec.graduates).toEqual({ cohort: 2022, total: 3, placed: 2, notPlaced: 1, placement: rate(2, 3, 0.6667), localEmployed: 2 });
      expect(dec.internships).toEqual({ students: 3, localStudents: 2 });
    });
    expect((await overview('2022-08-31')).graduates).toEqual({
      cohort: 2022,
      total: 3,
      placed: 1,
      notPlaced: 2,
      placement: rate(1, 3, 0.3333),
      localEmployed: 1,
    });
    expect((await overview('2022-07-31')).graduates).toMatchObject({ placed: 0, localEmployed: 0 });

    const byCategory = await stack.reporting.get('/reports/placement?cohort=2022&asOf=2022-08-31&by=category');
    expect(byCategory.body).toMatchObject({
      cohort: 2022,
      date: '2022-08-31',
      by: 'category',
      totals: rate(1, 3, 0.3333),
      localEmployed: 1,
    });
    expect(byCategory.body.rows).toEqual([
      { key: 'flexible', ...rate(1, 3, 0.3333) },
      { key: 'not_placed', ...rate(1, 3, 0.3333) },
      { key: 'unrecorded', ...rate(1, 3, 0.3333) },
    ]);
    const byProgram = await stack.reporting.get('/reports/placement?cohort=2022&asOf=2022-12-31&by=program');
    expect(byProgram.body.rows).toEqual([{ key: '460103', label: '石油化工技术', ...rate(2, 3, 0.6667) }]);

    const quality = await stack.reporting.get('/reports/data-quality');
    expect(quality.body).toMatchObject({
      destinationsWithoutGraduation: { count: 1, items: [expect.objectContaining({ studentId: '2099001' })] },
      graduationsWithoutDestination: { count: 1, items: [{ studentId: '2019003', graduationYear: 2022, programCode: '460103' }] },
      internshipsOfUnknownStudents: { count: 1, internships: 1, items: [{ studentId: 'GHOST1', internshipIds: ['IN3'] }] },
    });
    const report = await stack.reporting.get('/reports/internships?year=2022');
    expect(report.body).toMatchObject({ students: 3, localStudents: 2, internships: 3, completed: 1, localShare: rate(2, 3, 0.6667) });
    // Internships starting from 1 January to asOf (DESIGN.md §5): on 15 March, IN3 has not started.
    expect((await overview('2022-03-15')).internships).toEqual({ students: 2, localStudents: 1 });
    expect((await stack.reporting.get('/reports/internships?year=2022&asOf=2022-03-15')).body).toMatchObject({
      date: '2022-03-15',
      students: 2,
      localStudents: 1,
      internships: 2,
      completed: 1,
      byKind: [{ kind: 'post', internships: 2, local: 1, completed: 1, students: 2 }],
    });
    expect((await overview('2022-02-19')).internships).toEqual({ students: 0, localStudents: 0 });
  });

  it('destination events redelivered in reverse order change nothing', async () => {
    const before = {
      dec: await overview('2022-12-31'),
      aug: await overview('2022-08-31'),
      fresh: (await stack.reporting.get('/reports/freshness')).body.eventsApplied,
    };
    const db = new Client({ connectionString: stack.databases.placement });
    await db.connect();
    const { rows } = await db.query<{ payload: CloudEvent }>(`SELECT payload FROM outbox ORDER BY id DESC`);
    await db.end();
    expect(rows.length).toBe(7);
    await publishEvents(
      stack.amqpUrl,
      stack.exchange,
      rows.map((r) => r.payload),
    );
    // A marker event behind them: once it is applied, the redelivered ones have been seen.
    expect((await placement.put('/destinations/2099002', destination({ category: 'not_placed' }))).status).toBe(201);
    await expectEventually(async () => {
      const q = await stack.reporting.get('/reports/data-quality');
      expect(q.body.destinationsWithoutGraduation.count).toBe(2);
    });
    expect(await overview('2022-12-31')).toEqual({ ...before.dec, asOf: expect.any(String) });
    expect(await overview('2022-08-31')).toEqual({ ...before.aug, asOf: expect.any(String) });
    expect((await stack.reporting.get('/reports/freshness')).body.eventsApplied).toBe(before.fresh + 1);
  });

  it('corrections recorded in any order of dates: the reports at every date and GET /destinations agree with the definition', async () => {
    // An institution of its own, so the cohort above does not count here.
    const institution = `${stack.institution}R`;
    const key = async (role: 'writer' | 'reader', services: string[]) => (await stack.keys.create({ role, services, institution })).key;
    const writer = await key('writer', ['enrollment', 'placement']);
    const enrollment = httpClient(stack.urls.enrollment!, writer);
    const careers = httpClient(stack.urls.placement!, writer);
    const reporting = httpClient(stack.urls.reporting!, await key('reader', ['reporting']));
    const histories = randomDestinationHistories(4, 40);
    const students = [...histories.keys()];
    const program = { name: '纺织品检验与贸易', category: '46', level: 'higher_vocational', sectors: ['textiles'], status: 'open' };
    expect((await enrollment.put('/programs/P1', program)).status).toBe(201);
    const enrolled = await enrollment.post(
      '/enrollments:batch',
      students.map((studentId) => ({ studentId, programCode: 'P1', cohortYear: 2019, level: 'higher_vocational', pathway: 'regular' })),
    );
    expect(enrolled.body.summary.created).toBe(students.length);
    const graduated = await enrollment.post(
      '/enrollments/graduation:batch',
      students.map((studentId) => ({ studentId, date: '2022-06-30', graduationYear: 2022 })),
    );
    expect(graduated.body.summary.updated).toBe(students.length);
    // Each student's versions in the order they are recorded (a student twice in a batch gets two versions, in order).
    const items = [...histories].flatMap(([studentId, versions]) =>
      versions.map((v) => ({ studentId, graduationYear: 2022, programCode: 'P1', verified: true, ...v })),
    );
    const recorded = await careers.put('/destinations:batch', items);
    expect(recorded.status).toBe(200);
    expect(recorded.body.summary.failed).toBe(0);
    expect([...histories.values()].some((v) => v.some((x, i) => i > 0 && x.effectiveDate < v[i - 1]!.effectiveDate))).toBe(true);

    const days = asOfDays(histories);
    await expectEventually(async () =>
      expect(await reportedPlacement(reporting, days.at(-1)!)).toEqual(expectedPlacementReports(histories, days.at(-1)!)),
    );
    for (const day of days)
      expect({ day, ...(await reportedPlacement(reporting, day)) }).toEqual({ day, ...expectedPlacementReports(histories, day) });

    // The placement service shows the timeline the reports count: on every day, the version the definition puts in force.
    for (const [studentId, versions] of histories) {
      const res = await careers.get(`/destinations/${studentId}`);
      if (versions.length === 0) {
        expect(res.status).toBe(404);
        continue;
      }
      expect(res.body).toMatchObject({ version: versions.length, effectiveDate: versions.at(-1)!.effectiveDate });
      const spans = res.body.timeline as Array<{ from: string; until: string | null; version: number }>;
      for (const day of days) {
        const inForce = spans.find((s) => s.from <= day && (s.until === null || day < s.until))?.version;
        const byDefinition = versions
          .map((v, i) => ({ v, version: i + 1 }))
          .filter(({ v }) => v.effectiveDate <= day)
          .at(-1)?.version;
        expect({ studentId, day, version: inForce }).toEqual({ studentId, day, version: byDefinition });
      }
    }
  });
});
