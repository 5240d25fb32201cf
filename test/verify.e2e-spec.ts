import { execFile } from 'node:child_process';
import { Client } from 'pg';
import { WRITE_SERVICES } from '@chanjiao/auth';
import { demoContextFor, ensureBuild, REPO_ROOT, startStack, TestStack } from '@chanjiao/test-support';
import { createDemoContext } from '../scripts/demo/run-demo';
import { seeded } from '../scripts/demo/random';
import type { WriteDatabases } from '../scripts/verify/records';
import { formatDifference, verifyFigures, VerifyOptions } from '../scripts/verify/verify-figures';
import { loadVariedData } from './fixtures/varied-data';

/**
 * `npm run verify`: a varied data set of two institutions written through the four write APIs, then every figure of
 * every report against the recount from the write services' own records; then a counter changed behind reporting's
 * back, which verify must find.
 */
describe('npm run verify', () => {
  let stack: TestStack;
  let options: VerifyOptions;
  let other: string;

  beforeAll(async () => {
    ensureBuild();
    stack = await startStack({ services: ['enrollment', 'placement', 'partnership', 'alliance', 'reporting'] });
    other = `${stack.institution.slice(0, 20)}-B`;
    const otherWriter = await stack.keys.create({ role: 'writer', services: [...WRITE_SERVICES], institution: other });
    await loadVariedData(demoContextFor(stack), seeded(26), 2);
    await loadVariedData(createDemoContext({ urls: stack.urls, writerKey: otherWriter.key, readerKey: stack.readerKey }), seeded(10));
    options = {
      reportingUrl: stack.urls.reporting!,
      databases: Object.fromEntries(
        (['enrollment', 'placement', 'partnership', 'alliance'] as const).map((s) => [s, stack.databases[s]!]),
      ) as WriteDatabases,
      authDatabaseUrl: stack.authDatabaseUrl,
      waitMs: 60_000,
    };
  }, 180_000);
  afterAll(() => stack?.close());

  /** The CLI as an operator runs it, against this stack (asynchronously: the services run in this process). */
  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string[]; err: string }>((resolve) => {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        REPORTING_URL: stack.urls.reporting!,
        AUTH_DATABASE_URL: stack.authDatabaseUrl,
        ...Object.fromEntries(Object.entries(options.databases).map(([s, url]) => [`${s.toUpperCase()}_DATABASE_URL`, url])),
      };
      execFile(process.execPath, ['dist/scripts/verify.js', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout.trim().split('\n'), err: stderr.trim() }),
      );
    });

  const activeVerifyKeys = async () => (await stack.keys.list()).filter((k) => k.label === 'verify' && !k.revoked_at).length;

  it('finds every figure of every report equal to the recount, and its key revoked', async () => {
    const result = await verifyFigures(options);
    expect(result.institutions).toEqual([stack.institution, other].sort());
    expect(result.differences.map(formatDifference)).toEqual([]);
    // Two institutions, years 2019–2023 and more, three dates a year, 18 reports each: thousands of figures.
    expect(result.reports).toBeGreaterThan(400);
    expect(result.compared).toBeGreaterThan(20_000);
    expect(await activeVerifyKeys()).toBe(0);

    const run = await cli('--institution', stack.institution);
    expect(run.err).not.toMatch(/Error/);
    expect(run).toMatchObject({ code: 0 });
    expect(run.out).toEqual([
      expect.stringMatching(new RegExp(`^verify: no differences, [\\d,]+ figures of [\\d,]+ reports for ${stack.institution} in `)),
    ]);
    expect(await activeVerifyKeys()).toBe(0);
  }, 240_000);

  it('prints a figure changed behind reporting’s back and exits 1', async () => {
    const reporting = new Client({ connectionString: stack.databases.reporting });
    await reporting.connect();
    try {
      // One more 2021 intake in a program: every report of cohort 2021 shows it. (At dates no report was asked for yet:
      // the overview is cached until an event is applied.)
      const changed = await reporting.query(
        `UPDATE counter SET value = value + 1 WHERE ctid = (SELECT ctid FROM counter WHERE institution = $1 AND metric = 'intake'
           AND dims @> '{"cohortYear": 2021, "pathway": "regular"}' ORDER BY dims::text LIMIT 1) RETURNING dims`,
        [stack.institution],
      );
      expect(changed.rowCount).toBe(1);
      const level = changed.rows[0].dims.level as string;

      const result = await verifyFigures({ ...options, institutions: [stack.institution], years: [2021], asOf: ['2021-11-30'] });
      const lines = result.differences.map(formatDifference);
      const overview = result.differences.find((d) => d.report === 'overview' && d.key === 'intake.total')!;
      expect(overview).toBeDefined();
      expect(overview.reported).toBe((overview.recounted as number) + 1);
      expect(lines).toContain(
        `${stack.institution} overview year=2021 asOf=2021-11-30  intake.total: reported ${overview.reported}, recounted ${overview.recounted}`,
      );
      expect(result.differences).toContainEqual(
        expect.objectContaining({ report: 'enrollment', by: 'level', key: `rows[${level}].intake`, year: 2021, asOf: '2021-11-30' }),
      );
      // Only what the changed counter feeds: the 2021 intake, in the overview, the enrollment and the alignment reports.
      expect(new Set(result.differences.map((d) => d.report))).toEqual(new Set(['overview', 'enrollment', 'alignment']));
      expect(result.differences).toContainEqual(expect.objectContaining({ report: 'alignment', key: 'totals.intake', year: 2021 }));

      const run = await cli('--institution', stack.institution, '--year', '2021', '--as-of', '2021-11-30,2022-05-31');
      expect(run.code).toBe(1);
      expect(run.out).toContain(
        `${stack.institution} overview year=2021 asOf=2021-11-30  intake.total: reported ${overview.reported}, recounted ${overview.recounted}`,
      );
      expect(run.out.at(-1)).toMatch(/^verify: \d+ difference\(s\) in [\d,]+ figures of \d+ reports for /);
      expect(await activeVerifyKeys()).toBe(0);
    } finally {
      await reporting.end();
    }
  }, 120_000);

  it('prints its usage with --help and refuses unknown options', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^usage: npm run verify/);
    const bad = await cli('--as-of', '2022-02-30');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--as-of: "2022-02-30" is not a date YYYY-MM-DD');
  }, 60_000);
});
