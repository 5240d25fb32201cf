import { expectEventually } from '@chanjiao/testing';
import { demoContextFor, startStack, TestStack, waitForReports } from '@chanjiao/test-support';
import { AS_OF, EXPECTED_FIGURES, valueAt } from '../scripts/demo/expected';
import { loadPartnership } from '../scripts/demo/partnership-data';

/** The partnerships office's part of `npm run demo`: through the write API and imports to the overview (DESIGN.md §7). */
describe('demo: partnership data set to the overview figures of the source', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['partnership', 'reporting'] });
  });
  afterAll(() => stack?.close());

  const overview = async (year: number, asOf: string) => {
    const res = await stack.reporting.get(`/reports/overview?year=${year}&asOf=${asOf}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('loads, and the overview shows every partnership and training-base figure of the source', async () => {
    const lines: string[] = [];
    const ctx = demoContextFor(stack, { log: (l) => lines.push(l) });
    await loadPartnership(ctx);
    expect(lines.join('\n')).toMatch(/partnership: \d+ partners/);
    await waitForReports(ctx);

    const figures = EXPECTED_FIGURES.filter((f) => /^(partnerships|trainingBases)\./.test(f.field));
    expect(figures).toHaveLength(10);
    const actual = await expectEventually(
      async () => {
        const o = { 2022: await overview(2022, AS_OF), 2021: await overview(2021, AS_OF) };
        const got = figures.map((f) => ({ field: f.field, year: f.year, value: valueAt(o[f.year], f.field) }));
        expect(got).toEqual(figures.map((f) => ({ field: f.field, year: f.year, value: f.expected })));
        return o;
      },
      { timeoutMs: 60_000 },
    );
    expect(actual[2022].partnerships).toEqual({
      enterprises: 453,
      schoolEnterpriseSigned: 148,
      governmentSchool: 10,
      university: 3,
      certificatePilots: 23,
      certificatePilotEnterprises: 23,
      industryColleges: 4,
      orderClasses: { programs: 7, students: 120 },
    });
    expect(actual[2021].trainingBases).toEqual({ investment: '403000000.00' });

    // Records dated after the report move the figures of a later asOf, not those of 2023-06-20; counts of the year
    // end on 31 December (DESIGN.md §5).
    expect((await overview(2022, '2023-12-31')).partnerships).toMatchObject({
      enterprises: 454,
      schoolEnterpriseSigned: 148,
      certificatePilots: 24,
      industryColleges: 5,
    });
    expect((await overview(2021, '2023-12-31')).trainingBases.investment).toBe('403000000.00');
    expect((await overview(2022, '2023-12-31')).trainingBases.investment).toBe('8350000.00');
    // Before 2022 the college had neither the 2022 agreements nor the four industry colleges.
    expect((await overview(2021, '2021-12-31')).partnerships).toMatchObject({ enterprises: 345, governmentSchool: 0, industryColleges: 0 });
    // Some agreements come up for renewal in the months after the report.
    const expiring = await stack.reporting.get(`/reports/partnerships/expiring?within=200&asOf=${AS_OF}`);
    expect(expiring.body.agreements.length).toBeGreaterThan(0);

    // The office sending everything again (the first order-class sheet, then its correction) leaves the figures as they were.
    const again = demoContextFor(stack);
    await loadPartnership(again);
    await waitForReports(again);
    expect((await overview(2022, AS_OF)).partnerships).toEqual(actual[2022].partnerships);
  }, 240_000);
});
