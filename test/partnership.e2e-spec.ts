import { creditCodeCheckChar } from '@chanjiao/contracts';
import { expectEventually, HttpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

/** HTTP writes to the partnership service → outbox → RabbitMQ → reporting → overview and partnership reports. */
describe('partnerships to reports, end to end', () => {
  let stack: TestStack;
  let api: HttpClient;
  beforeAll(async () => {
    stack = await startStack({ services: ['partnership', 'reporting'], env: { AGREEMENT_EXPIRY_INTERVAL_MS: '200' } });
    api = stack.api('partnership');
  });
  afterAll(() => stack?.close());

  const overview = async (year: number, asOf: string) => {
    const res = await stack.reporting.get(`/reports/overview?year=${year}&asOf=${asOf}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('a year of partnerships gives the overview figures; ever vs this year, renewed, terminated, expired', async () => {
    const before = await overview(2022, '2022-12-31');
    expect(before.partnerships).toEqual({
      enterprises: 0,
      schoolEnterpriseSigned: 0,
      governmentSchool: 0,
      university: 0,
      certificatePilots: 0,
      certificatePilotEnterprises: 0,
      industryColleges: 0,
      orderClasses: { programs: 0, students: 0 },
    });
    expect(before.trainingBases).toEqual({ investment: '0.00' });
    const first17 = '91652800MA77ABCD1';
    const partners = await api.put('/partners:batch', [
      { partnerId: 'E1', name: '企业一', kind: 'enterprise', sector: 'textiles', creditCode: first17 + creditCodeCheckChar(first17) },
      { partnerId: 'E2', name: '企业二', kind: 'enterprise', sector: 'mining' },
      { partnerId: 'E3', name: '企业三', kind: 'enterprise', sector: 'textiles' },
      { partnerId: 'E4', name: '企业四', kind: 'enterprise', sector: 'green_energy' },
      { partnerId: 'G1', name: '州人社局', kind: 'government', sector: 'other' },
      { partnerId: 'U1', name: '某大学', kind: 'university', sector: 'other' },
    ]);
    expect(partners.body.summary).toMatchObject({ created: 6, failed: 0 });
    const a = (agreementId: string, partnerIds: string[], signedOn: string, extra: Record<string, unknown> = {}) => ({
      agreementId,
      partnerIds,
      kind: 'school_enterprise',
      signedOn,
      ...extra,
    });
    const signed = await api.post('/agreements:batch', [
      a('A1', ['E1'], '2021-05-10', { forms: ['order_class'], expiresOn: '2099-05-09' }),
      a('A2', ['E1', 'E2'], '2022-02-01', { forms: ['order_class', 'training_base'], expiresOn: '2022-06-30' }),
      a('A3', ['E3'], '2022-04-01'),
      a('A4', ['E2'], '2022-05-01', { expiresOn: '2022-09-30' }),
      a('A5', ['G1', 'E4'], '2022-07-01', { kind: 'government_school' }),
      a('A6', ['U1'], '2022-08-01', { kind: 'university', expiresOn: '2099-08-01' }),
    ]);
    expect(signed.body.summary).toMatchObject({ created: 6, failed: 0 });
    expect((await api.post('/agreements/A2/renewal', { date: '2022-06-15', expiresOn: '2099-06-30' })).status).toBe(200);
    expect((await api.post('/agreements/A3/termination', { date: '2022-09-01' })).status).toBe(200);
    await api.post('/order-classes:batch', [
      { orderClassId: 'OC1', partnerId: 'E1', programCode: 'P1', cohortYear: 2022, students: 40 },
      { orderClassId: 'OC2', partnerId: 'E2', programCode: 'P1', cohortYear: 2022, students: 30 },
      { orderClassId: 'OC3', partnerId: 'E1', programCode: 'P2', cohortYear: 2022, students: 50 },
      { orderClassId: 'OC4', partnerId: 'E1', programCode: 'P3', cohortYear: 2021, students: 20 },
    ]);
    await api.post('/certificate-pilots:batch', [
      { pilotId: 'X1', certificate: '工业机器人', partnerId: 'E1', programCodes: ['P1'], launchedOn: '2021-03-01' },
      { pilotId: 'X2', certificate: '网店运营', partnerId: 'E1', programCodes: ['P2'], launchedOn: '2022-03-01' },
      { pilotId: 'X3', certificate: '智能财税', partnerId: 'E2', programCodes: ['P2'], launchedOn: '2022-05-01' },
    ]);
    await api.post('/certificate-pilots/X1/results', { year: 2022, trained: 50, sat: 40, passed: 36 });
    await api.post('/certificate-pilots/X2/results', { year: 2022, trained: 20, sat: 20, passed: 19 });
    await api.post('/industry-colleges', { collegeId: 'C1', name: '纺织产业学院', partnerIds: ['E1', 'E2'], foundedOn: '2021-09-01' });
    await api.put('/training-bases/B1', { name: '纺织实训中心', kind: 'on_campus', sector: 'textiles' });
    for (const [investmentId, amount, date, source] of [
      ['I1', '403000000.00', '2021-06-30', 'central_government'],
      ['I2', '0.10', '2022-01-01', 'school'],
      ['I3', '0.20', '2022-03-01', 'enterprise'],
      ['I4', '1234567.89', '2023-01-01', 'school'],
    ]) {
      expect((await api.post('/training-bases/B1/investments', { investmentId, amount, date, source })).status).toBe(201);
    }

    const figures = await expectEventually(async () => {
      const o = await overview(2022, '2022-12-31');
      expect(o.partnerships.certificatePilots).toBe(3);
      expect(o.partnerships.industryColleges).toBe(1);
      expect(o.trainingBases.investment).toBe('0.30');
      expect(o.partnerships.university).toBe(1);
      return o;
    });
    expect(figures.partnerships).toEqual({
      enterprises: 3, // E1, E2, E3 (E4 only on a government agreement)
      schoolEnterpriseSigned: 3, // A2, A3, A4; A1 was 2021
      governmentSchool: 1,
      university: 1,
      certificatePilots: 3,
      certificatePilotEnterprises: 2,
      industryColleges: 1,
      orderClasses: { programs: 2, students: 120 },
    });
    // From 1 January of the year to the asOf date, or to 31 December when asOf is later (DESIGN.md §5): a later
    // asOf adds nothing of the following years. (Eventually: the 2023 investment may still be on its way.)
    await expectEventually(async () => {
      expect((await overview(2023, '2023-06-20')).trainingBases.investment).toBe('1234567.89');
      expect((await overview(2021, '2023-06-20')).trainingBases.investment).toBe('403000000.00');
      expect((await overview(2021, '2021-06-29')).trainingBases.investment).toBe('0.00');
      expect((await overview(2022, '2023-06-20')).trainingBases.investment).toBe('0.30');
      expect((await overview(2022, '2022-02-28')).trainingBases.investment).toBe('0.10');
    });
    expect((await overview(2021, '2023-06-20')).partnerships).toMatchObject({ schoolEnterpriseSigned: 1, governmentSchool: 0 });
    expect((await overview(2021, '2021-12-31')).partnerships).toMatchObject({
      enterprises: 1,
      schoolEnterpriseSigned: 1,
      certificatePilots: 1,
    });

    // A4 expires by itself (past 2022-09-30): one expired event reaches reporting; figures stay.
    await expectEventually(async () => {
      const res = await stack.reporting.get('/reports/partnerships?year=2022&asOf=2022-12-31&by=kind');
      expect(res.body.totals).toMatchObject({ signed: 5, active: 4, expired: 1, terminated: 1, renewed: 1, enterprises: 3 });
      const fresh = await stack.reporting.get('/reports/freshness');
      expect(fresh.body.eventsParked).toBe(0);
      expect((await api.get('/agreements/A4')).body.status).toBe('expired');
    });
    const byKind = await stack.reporting.get('/reports/partnerships?year=2022&asOf=2022-12-31&by=kind');
    expect(byKind.body.rows).toEqual([
      { key: 'government_school', signed: 1, renewed: 0, active: 1, expired: 0, terminated: 0, enterprises: 1 },
      { key: 'school_enterprise', signed: 3, renewed: 1, active: 2, expired: 1, terminated: 1, enterprises: 3 },
      { key: 'university', signed: 1, renewed: 0, active: 1, expired: 0, terminated: 0, enterprises: 0 },
    ]);
    expect(byKind.body.certificatePilots).toEqual({
      pilots: 3,
      partners: 2,
      results: { trained: 70, sat: 60, passed: 55, passRate: { numerator: 55, denominator: 60, rate: 0.9167 } },
    });
    expect(byKind.body.investment.total).toBe('0.30');
    expect(byKind.body.investment.bySource).toEqual(
      expect.arrayContaining([
        { source: 'school', amount: '0.10' },
        { source: 'enterprise', amount: '0.20' },
      ]),
    );
    const byYear = await stack.reporting.get('/reports/partnerships?year=2022&asOf=2022-12-31&by=year');
    expect(byYear.body.rows.map((r: { key: string; signed: number; active: number }) => [r.key, r.signed, r.active])).toEqual([
      ['2021', 1, 1],
      ['2022', 5, 4],
    ]);
    const byForm = await stack.reporting.get('/reports/partnerships?year=2022&asOf=2022-12-31&by=form');
    expect(byForm.body.rows).toEqual([
      expect.objectContaining({ key: 'order_class', signed: 1, active: 2 }),
      expect.objectContaining({ key: 'training_base', signed: 1, active: 1 }),
    ]);
    const bySector = await stack.reporting.get('/reports/partnerships?year=2022&asOf=2022-12-31&by=sector');
    expect(bySector.body.rows.map((r: { key: string }) => r.key)).toEqual(['green_energy', 'mining', 'other', 'textiles']);

    // Agreements expiring soon: A1 (2099-05-09) is within 90 days of 2099-03-01; A2 and A6 are not yet.
    const expiring = await stack.reporting.get('/reports/partnerships/expiring?within=90&asOf=2099-03-01');
    expect(expiring.body.agreements).toEqual([
      expect.objectContaining({ agreementId: 'A1', expiresOn: '2099-05-09', daysLeft: 69, partnerNames: ['企业一'] }),
    ]);
    expect((await stack.reporting.get('/reports/partnerships/expiring?within=-1')).status).toBe(400);
    expect((await stack.reporting.get('/reports/partnerships?year=2022&by=colour')).body.errors[0].field).toBe('by');
  });
});
