import { expectEventually } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

/** The whole chain: HTTP write → outbox → RabbitMQ → reporting consumer → report. */
describe('enrollment to report, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'reporting'] });
  });
  afterAll(() => stack?.close());

  const overview = async (year: number, asOf?: string) => {
    const res = await stack.reporting.get(`/reports/overview?year=${year}${asOf ? `&asOf=${asOf}` : ''}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('an enrollment posted to the enrollment service shows in GET /reports/overview', async () => {
    const before = await overview(2022);
    expect(before.intake.total).toBe(0);
    expect(before.asOf).toBeNull();
    await stack.enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM);
    const posted = await stack.enrollment.post('/enrollments', FIRST_ENROLLMENT);
    expect(posted.status).toBe(201);
    const after = await expectEventually(async () => {
      const o = await overview(2022);
      expect(o.intake.total).toBe(1);
      return o;
    });
    expect(after).toMatchObject({
      programs: { open: 1, higherVocational: 1, undergraduate: 0, categories: 1, clusters: 1, alignedShare: 1 },
      intake: { total: 1, higherVocational: 1, undergraduate: 0, secondary: 0, through23: 0 },
      graduates: { cohort: 2022, total: 0 },
    });
    expect(Date.parse(after.asOf)).toBeGreaterThan(0);
  });

  it('life-cycle changes move the figures, at the asOf date the report is asked for', async () => {
    const s = (id: string, patch = {}) => ({
      studentId: id,
      programCode: '460103',
      cohortYear: 2022,
      level: 'higher_vocational',
      pathway: 'regular',
      ...patch,
    });
    const batch = await stack.enrollment.post('/enrollments:batch', [
      s('2022002'),
      s('2022003', { pathway: 'through_2_3', level: 'secondary' }),
      s('2019001', { cohortYear: 2019 }),
    ]);
    expect(batch.body.summary).toMatchObject({ created: 3, failed: 0 });
    expect((await stack.enrollment.post('/enrollments/2022002/cancellation', { date: '2022-09-20' })).status).toBe(200);
    expect((await stack.enrollment.post('/enrollments/2019001/graduation', { date: '2022-06-30', graduationYear: 2022 })).status).toBe(200);
    await expectEventually(async () => {
      expect((await overview(2022, '2022-09-19')).intake).toMatchObject({ total: 2, through23: 1 });
      expect((await overview(2022, '2022-09-20')).intake).toMatchObject({ total: 1, through23: 1 });
      expect((await overview(2022)).graduates.total).toBe(1);
    });
    const byPathway = await stack.reporting.get('/reports/enrollment?year=2022&asOf=2022-09-19&by=pathway');
    expect(byPathway.body.rows).toEqual([
      expect.objectContaining({ key: 'regular', intake: 2 }),
      expect.objectContaining({ key: 'through_2_3', through23: 1 }),
    ]);
    const bySector = await stack.reporting.get('/reports/enrollment?year=2022&by=sector');
    expect(bySector.body.rows).toEqual([expect.objectContaining({ key: 'chemical_materials', intake: 1, graduates: 1 })]);
    const fresh = await stack.reporting.get('/reports/freshness');
    expect(fresh.body).toMatchObject({ eventsApplied: 7, eventsParked: 0 });
  });

  it('reports need a reader key for the institution; bad queries get 400 naming the parameter', async () => {
    const url = stack.urls.reporting!;
    expect((await fetch(`${url}/reports/overview?year=2022`)).status).toBe(401);
    expect((await fetch(`${url}/reports/overview?year=2022`, { headers: { authorization: `Bearer ${stack.writerKey}` } })).status).toBe(
      403,
    );
    expect((await stack.reporting.get('/reports/overview?year=2022&institution=OTHER')).status).toBe(403);
    const bad = await stack.reporting.get('/reports/overview?year=abc&asOf=2022-13-01');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['year', 'asOf']));
    expect((await stack.reporting.get('/reports/enrollment?year=2022&by=color')).body.errors[0].field).toBe('by');
    // Only digits are a year: hexadecimal, exponents and an empty value are refused with the year's own message.
    for (const year of ['0x7E6', '2.022e3', '', '2022.0']) {
      const res = await stack.reporting.get(`/reports/overview?year=${encodeURIComponent(year)}`);
      expect({ year, status: res.status, fields: [...new Set(res.body.errors.map((e: { field: string }) => e.field))] }).toEqual({
        year,
        status: 400,
        fields: ['year'],
      });
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'year', message: 'year must be a year such as 2022' }));
    }
  });
});
