import 'reflect-metadata';
import { Client } from 'pg';
import type { CloudEvent } from '@chanjiao/contracts';
import { withCredentials } from '@chanjiao/config';
import { createDataSource, databaseName, runMigrations } from '@chanjiao/persistence';
import { freshDatabase, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { PLAIN_LOGIN_ROLE } from '@chanjiao/test-support';
import { BI_READER_SETTINGS, biReaderRole } from '../apps/reporting/src/bi/bi-reader';
import { MIGRATIONS } from '../apps/reporting/src/migrations';
import { BiViews1796600000000 } from '../apps/reporting/src/migrations/1796600000000-BiViews';
import { ProjectionRegistry } from '../apps/reporting/src/projection/projection.registry';
import { ProjectionUnitOfWork } from '../apps/reporting/src/projection/projection.unit-of-work';
import { REPORTING_ENTITIES } from '../apps/reporting/src/reporting.entities';
import { AllianceReportService } from '../apps/reporting/src/reports/alliance-report.service';
import { CounterRepository } from '../apps/reporting/src/reports/counter.repository';
import { EnrollmentReportService } from '../apps/reporting/src/reports/enrollment-report.service';
import { PartnershipReportService } from '../apps/reporting/src/reports/partnership-report.service';
import { PlacementReportService } from '../apps/reporting/src/reports/placement-report.service';
import type { ReportSource } from '../apps/reporting/src/reports/report-reader';
import { grantBiReader, provisionDatabase } from '../scripts/provision/databases';
import { dropRoles } from '../scripts/provision/postgres';
import { ALLIANCE_YEAR_FIGURES, AllianceEventFactory, allianceYear } from './fixtures/alliance-events';
import { EnrollmentEventFactory, smallCollegeYear } from './fixtures/enrollment-events';
import { PartnershipEventFactory, smallPartnershipYear } from './fixtures/partnership-events';
import { PlacementEventFactory, placementYear } from './fixtures/placement-events';

/** A PostgreSQL error's code when `run` fails, 'ok' when it does not. */
async function pgAnswer(url: string, run: (c: Client) => Promise<unknown>): Promise<string> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await run(client);
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Rows of a query as the BI role. */
async function asBi<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * A reporting database as `npm run migrate` leaves it (`provisionDatabase`): owned by a role of its own, which migrates
 * it, with the BI role (`<database>_bi`) made first; or migrated by the admin before the roles existed, then provisioned.
 */
async function reportingDatabase(label: string, migrateFirst: boolean) {
  const db = await freshDatabase(label);
  const name = databaseName(db.url);
  const [owner, bi] = [name, biReaderRole(name)];
  const [ownerPassword, biPassword] = [`owner-${uniqueSuffix()}-pw`, `bi-${uniqueSuffix()}-pw`];
  const ownerUrl = withCredentials(db.url, { user: owner, password: ownerPassword });
  const biUrl = withCredentials(db.url, { user: bi, password: biPassword });
  const migrate = async (url: string) => {
    const ds = createDataSource({ url, entities: REPORTING_ENTITIES, migrations: MIGRATIONS, poolSize: 2 });
    await ds.initialize();
    await runMigrations(ds);
    return ds;
  };
  if (migrateFirst) await (await migrate(db.url)).destroy();
  await provisionDatabase(
    { url: db.url, owner, password: ownerPassword, readers: [{ role: bi, password: biPassword, settings: BI_READER_SETTINGS }] },
    () => undefined,
  );
  const ds = await migrate(ownerUrl);
  return {
    ds,
    ownerUrl,
    biUrl,
    owner,
    bi,
    close: async () => {
      await ds.destroy();
      await db.drop();
      await dropRoles(testServiceUrls().postgresUrl, [bi, owner]);
    },
  };
}

type Db = Awaited<ReturnType<typeof reportingDatabase>>;

const VIEWS = [
  'alliances',
  'annual_overview',
  'graduate_destinations',
  'graduates',
  'institution_years',
  'intake',
  'internships',
  'open_programs',
  'partnerships',
];
const TABLES = ['counter', 'read_model', 'event_log', 'stream_position', 'stream_pending', 'freshness', 'migrations'];

/** What the BI role may and may not do: read the views; read no table, write nothing, become no one else. */
async function expectReadOnlyViews(db: Db): Promise<void> {
  for (const view of VIEWS) {
    expect({ view, answer: await pgAnswer(db.biUrl, (c) => c.query(`SELECT * FROM bi.${view} LIMIT 1`)) }).toEqual({ view, answer: 'ok' });
  }
  for (const table of TABLES) {
    expect({ table, answer: await pgAnswer(db.biUrl, (c) => c.query(`SELECT * FROM ${table} LIMIT 1`)) }).toEqual({
      table,
      answer: '42501',
    });
  }
  const refused = [
    `INSERT INTO counter (institution, metric, dims, day, value) VALUES ('X', 'intake', '{}', '-infinity', 1)`,
    `UPDATE counter SET value = 0`,
    `DELETE FROM read_model`,
    `TRUNCATE event_log`,
    `CREATE TABLE public.bi_spy (x int)`,
    `CREATE VIEW bi.spy AS SELECT 1 AS x`,
    `CREATE TEMP TABLE spy (x int)`,
    `SET ROLE ${db.owner}`,
    `ALTER VIEW bi.intake RENAME TO spy`,
  ];
  for (const sql of refused) expect({ sql, answer: await pgAnswer(db.biUrl, (c) => c.query(sql)) }).toEqual({ sql, answer: '42501' });
  // A view is no way in either: none can be written through.
  expect(await pgAnswer(db.biUrl, (c) => c.query(`DELETE FROM bi.intake`))).not.toBe('ok');
}

const num = (v: unknown) => (v === null ? null : Number(v));
const yearEnd = (year: number) => `${year}-12-31`;

describe('BI views of the figures, read as the BI role (real PostgreSQL)', () => {
  let db: Db;
  const reports = (() => {
    const counters = new CounterRepository();
    return {
      enrollment: new EnrollmentReportService(counters),
      placement: new PlacementReportService(counters),
      partnership: new PartnershipReportService(counters),
      alliance: new AllianceReportService(counters),
    };
  })();
  const source = (institution: string): ReportSource => ({ institutions: [institution], query: (sql, params) => db.ds.query(sql, params) });

  beforeAll(async () => {
    db = await reportingDatabase('bi', false);
    // Every kind of event, through the real projection engine: a college's year, partnerships and alliances in A,
    // placements in B (each fixture numbers its students from S1).
    const uow = new ProjectionUnitOfWork(db.ds, new ProjectionRegistry({ localRegionPrefix: '6528' }));
    const apply = async (events: CloudEvent[]) => {
      const tx = await uow.begin(events);
      for (const e of events) tx.project(e);
      await tx.commit();
    };
    await apply(smallCollegeYear(new EnrollmentEventFactory('BIA')));
    await apply(smallPartnershipYear(new PartnershipEventFactory('BIA')));
    await apply(allianceYear(new AllianceEventFactory('BIA')));
    await apply(placementYear(new EnrollmentEventFactory('BIB'), new PlacementEventFactory('BIB')));
  }, 60_000);
  afterAll(() => db?.close());

  it('is a plain login role, which the migration granted the views as it made them (the role came first)', async () => {
    const [role] = await asBi(
      db.biUrl,
      `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = current_user`,
    );
    expect(role).toEqual(PLAIN_LOGIN_ROLE);
    const owners = await asBi(db.biUrl, `SELECT DISTINCT viewowner FROM pg_views WHERE schemaname = 'bi'`);
    expect(owners).toEqual([{ viewowner: db.owner }]);
    const settings = await asBi<{ name: string; setting: string }>(
      db.biUrl,
      `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name ORDER BY 1`,
      [Object.keys(BI_READER_SETTINGS)],
    );
    expect(settings).toEqual([
      { name: 'idle_in_transaction_session_timeout', setting: '1min' },
      { name: 'jit', setting: 'off' },
      { name: 'statement_timeout', setting: '5min' },
    ]);
    await expectReadOnlyViews(db);
  });

  it('runs again as npm run migrate does after migrating, changing nothing', async () => {
    await grantBiReader(db.ownerUrl, db.bi);
    await grantBiReader(db.ownerUrl, db.bi);
    await expectReadOnlyViews(db);
  });

  it('documents every view and column, in Chinese and English', async () => {
    const views = await asBi<{ name: string; comment: string | null }>(
      db.biUrl,
      `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bi' ORDER BY 1`,
    );
    expect(views.map((v) => v.name)).toEqual(VIEWS);
    const columns = await asBi<{ name: string; comment: string | null }>(
      db.biUrl,
      `SELECT c.relname || '.' || a.attname AS name, col_description(c.oid, a.attnum) AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
       WHERE n.nspname = 'bi' ORDER BY 1`,
    );
    for (const { name, comment } of [...views, ...columns]) {
      // Chinese first, then "/ " and the English.
      expect({ name, comment }).toEqual({ name, comment: expect.stringMatching(/^[^/]*\p{Script=Han}[^/]*\/ [A-Z0-9"]/u) });
      expect({ name, snakeCase: /^[a-z0-9_.]+$/.test(name) }).toEqual({ name, snakeCase: true });
    }
  });

  /** The years the views have for an institution. */
  const yearsOf = async (institution: string) =>
    (
      await asBi<{ year: number }>(db.biUrl, `SELECT year FROM bi.institution_years WHERE institution = $1 ORDER BY year`, [institution])
    ).map((r) => r.year);

  it('has a row per year from the earliest record to the latest or this year', async () => {
    const thisYear = new Date().getFullYear();
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    // BIA: from S5's cohort and alliance A1 (2019) to agreement A7, pilot X4 and alliance A4 (2023).
    expect(await yearsOf('BIA')).toEqual(range(2019, Math.max(2023, thisYear)));
    // BIB's earliest: G5's cohort, 2018.
    expect(await yearsOf('BIB')).toEqual(range(2018, Math.max(2022, thisYear)));
  });

  it.each(['BIA', 'BIB'])('annual_overview of %s: the overview report of each year as of 31 December', async (institution) => {
    const rows = await asBi(db.biUrl, `SELECT * FROM bi.annual_overview WHERE institution = $1 ORDER BY year`, [institution]);
    expect(rows.map((r) => r.year)).toEqual(await yearsOf(institution));
    for (const row of rows) {
      const year = row.year as number;
      const date = yearEnd(year);
      const s = source(institution);
      const [intake, graduates, internships, partnerships, trainingBases, alliances] = await Promise.all([
        reports.enrollment.intake(s, year, date),
        reports.placement.graduates(s, year, date),
        reports.placement.internships(s, year, date),
        reports.partnership.overview(s, year, date),
        reports.partnership.trainingBases(s, year, date),
        reports.alliance.overview(s, year, date),
      ]);
      const { as_of: asOf, training_base_investment: investment, ...figures } = row;
      expect({ year, asOf: (asOf as Date).getFullYear(), investment }).toEqual({ year, asOf: year, investment: trainingBases.investment });
      expect(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, k === 'institution' ? v : num(v)]))).toEqual({
        institution,
        year,
        intake_total: intake.total,
        intake_undergraduate: intake.undergraduate,
        intake_higher_vocational: intake.higherVocational,
        intake_secondary: intake.secondary,
        intake_through_2_3: intake.through23,
        graduates: graduates.total,
        graduates_placed: graduates.placed,
        graduates_not_placed: graduates.notPlaced,
        placement_rate: graduates.placement.rate,
        local_employed: graduates.localEmployed,
        internship_students: internships.students,
        internship_local_students: internships.localStudents,
        enterprises: partnerships.enterprises,
        school_enterprise_signed: partnerships.schoolEnterpriseSigned,
        government_school_signed: partnerships.governmentSchool,
        university_signed: partnerships.university,
        certificate_pilots: partnerships.certificatePilots,
        certificate_pilot_enterprises: partnerships.certificatePilotEnterprises,
        industry_colleges: partnerships.industryColleges,
        order_class_programs: partnerships.orderClasses.programs,
        order_class_students: partnerships.orderClasses.students,
        alliances: alliances.total,
        alliances_led: alliances.led,
        alliance_members: alliances.members,
        forum_participants: alliances.forumParticipants,
      });
    }
  });

  it('answers the figures the fixtures are known for (so the comparisons above compare something)', async () => {
    const row = async (institution: string, year: number) =>
      (await asBi(db.biUrl, `SELECT * FROM bi.annual_overview WHERE institution = $1 AND year = $2`, [institution, year]))[0]!;
    const a2022 = await row('BIA', 2022);
    expect(a2022).toMatchObject({
      intake_total: '3',
      intake_through_2_3: '1',
      graduates: '1',
      enterprises: '3',
      school_enterprise_signed: '3',
      government_school_signed: '1',
      university_signed: '1',
      certificate_pilots: '3',
      certificate_pilot_enterprises: '2',
      industry_colleges: '1',
      order_class_programs: '2',
      order_class_students: '125',
      training_base_investment: '0.30',
      alliances: String(ALLIANCE_YEAR_FIGURES.overview.total),
      alliances_led: String(ALLIANCE_YEAR_FIGURES.overview.led),
      alliance_members: String(ALLIANCE_YEAR_FIGURES.overview.members),
      forum_participants: String(ALLIANCE_YEAR_FIGURES.overview.forumParticipants),
    });
    expect((await row('BIA', 2021)).training_base_investment).toBe('403000000.00');
    // BIB's 2022 cohort: G1 placed from 15 October, G2 outside the prefecture, G3 in further study, G4 without a destination.
    expect(await row('BIB', 2022)).toMatchObject({
      graduates: '5',
      graduates_placed: '4',
      graduates_not_placed: '1',
      placement_rate: '0.8000',
      internship_students: '3',
    });
  });

  it.each(['BIA', 'BIB'])('intake of %s by level and pathway: the enrollment report of each cohort year', async (institution) => {
    const rows = await asBi(db.biUrl, `SELECT * FROM bi.intake WHERE institution = $1`, [institution]);
    expect(rows.length).toBeGreaterThan(0);
    for (const year of [...new Set(rows.map((r) => r.cohort_year as number))]) {
      const ofYear = rows.filter((r) => r.cohort_year === year);
      for (const by of ['level', 'pathway'] as const) {
        const report = await reports.enrollment.grouped(source(institution), year, yearEnd(year), by);
        const keys = [...new Set(ofYear.map((r) => String(r[by] ?? 'unknown')))].sort();
        const viewRows = keys.map((key) => {
          const of = ofYear.filter((r) => String(r[by] ?? 'unknown') === key);
          const sum = (pick: (r: Record<string, unknown>) => number) => of.reduce((s, r) => s + pick(r), 0);
          return {
            key,
            intake: sum((r) => (r.pathway === 'through_2_3' ? 0 : Number(r.intake))),
            through23: sum((r) => (r.pathway === 'through_2_3' ? Number(r.intake) : 0)),
            withdrawals: sum((r) => Number(r.withdrawals)),
          };
        });
        expect({ year, by, rows: viewRows }).toEqual({
          year,
          by,
          rows: report.rows.map(({ key, intake, through23, withdrawals }) => ({ key, intake, through23, withdrawals })),
        });
      }
    }
  });

  it('graduate_destinations and graduates: the placement report by category, with those unrecorded', async () => {
    const rows = await asBi(
      db.biUrl,
      `SELECT * FROM bi.graduate_destinations WHERE institution = 'BIB' ORDER BY graduation_year, category`,
    );
    for (const year of [2021, 2022]) {
      const report = await reports.placement.placement(source('BIB'), year, yearEnd(year), 'category');
      expect({
        year,
        rows: rows.filter((r) => r.graduation_year === year).map((r) => ({ key: r.category, numerator: Number(r.graduates) })),
      }).toEqual({ year, rows: report.rows.map(({ key, numerator }) => ({ key, numerator })) });
      const [g] = await asBi(db.biUrl, `SELECT * FROM bi.graduates WHERE institution = 'BIB' AND graduation_year = $1`, [year]);
      expect({ graduates: num(g!.graduates), placed: num(g!.placed), localEmployed: num(g!.local_employed) }).toEqual({
        graduates: report.totals.total,
        placed: report.totals.placed,
        localEmployed: report.totals.localEmployed,
      });
    }
  });

  it('internships: the internships report of each year', async () => {
    const rows = await asBi(db.biUrl, `SELECT * FROM bi.internships WHERE institution = 'BIB' ORDER BY year`);
    expect(rows.map((r) => r.year)).toEqual([2022]);
    for (const r of rows) {
      const year = r.year as number;
      const report = await reports.placement.internshipReport(source('BIB'), year, yearEnd(year));
      expect([r.students, r.local_students, r.internships, r.local_internships, r.completed_internships].map(num)).toEqual([
        report.students,
        report.localStudents,
        report.internships,
        report.byKind.reduce((s, k) => s + k.local, 0),
        report.completed,
      ]);
    }
  });

  it('open_programs: the overview programs', async () => {
    const rows = await asBi(db.biUrl, `SELECT * FROM bi.open_programs WHERE institution = 'BIA'`);
    const programs = await reports.enrollment.programs(source('BIA'));
    const count = (where: (r: Record<string, unknown>) => boolean) => rows.filter(where).reduce((s, r) => s + Number(r.programs), 0);
    const distinct = (key: string) => new Set(rows.map((r) => r[key]).filter((v) => v !== null)).size;
    expect({
      open: count(() => true),
      higherVocational: count((r) => r.level === 'higher_vocational'),
      undergraduate: count((r) => r.level === 'undergraduate'),
      categories: distinct('category'),
      clusters: distinct('cluster'),
      aligned: count((r) => r.aligned === true),
    }).toEqual({
      open: programs.open,
      higherVocational: programs.higherVocational,
      undergraduate: programs.undergraduate,
      categories: programs.categories,
      clusters: programs.clusters,
      aligned: Math.round(programs.alignedShare * programs.open),
    });
    expect(programs.open).toBe(2);
  });
});

describe('BI views of a reporting database migrated before the BI role existed (real PostgreSQL)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await reportingDatabase('bi_old', true);
  }, 60_000);
  afterAll(() => db?.close());

  it('reads nothing until npm run migrate grants it, then the views alone, which the service role now owns', async () => {
    expect(await pgAnswer(db.biUrl, (c) => c.query('SELECT * FROM bi.annual_overview'))).toBe('42501');
    await grantBiReader(db.ownerUrl, db.bi);
    const owners = await asBi(db.biUrl, `SELECT DISTINCT viewowner FROM pg_views WHERE schemaname = 'bi'`);
    expect(owners).toEqual([{ viewowner: db.owner }]);
    await expectReadOnlyViews(db);
  });

  it('undoes the migration (the schema and its grants go) and applies it again', async () => {
    // Back to before BiViews (the migrations after it first, newest first).
    const after = MIGRATIONS.length - 1 - MIGRATIONS.indexOf(BiViews1796600000000);
    for (let i = 0; i <= after; i++) await db.ds.undoLastMigration({ transaction: 'each' });
    expect(await db.ds.query(`SELECT nspname FROM pg_namespace WHERE nspname = 'bi'`)).toEqual([]);
    expect(await pgAnswer(db.biUrl, (c) => c.query('SELECT * FROM bi.annual_overview'))).toBe('42P01');
    expect(await runMigrations(db.ds)).toHaveLength(after + 1);
    await expectReadOnlyViews(db);
  });
});
