import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startStack, tapConnections, TestStack } from '@chanjiao/test-support';

/** The rows a query answered: a pipeline answers a list of row lists, one per statement. */
function rowCounts(result: unknown): number[] {
  if (Array.isArray(result))
    return result.length > 0 && result.every(Array.isArray) ? result.map((r: unknown[]) => r.length) : [result.length];
  const rows = (result as { rows?: unknown })?.rows;
  return Array.isArray(rows) ? [rows.length] : [];
}

/**
 * An institution with 50,000 open programs (and as many students and graduates, 20,000 alliances and forums, 3,000
 * programs with order classes), written straight into the reporting database: the overview answers the right figures
 * in a small body, and no query it sends brings back more than a few rows (the sums are made in PostgreSQL).
 */
describe('reports stay bounded with many records (real PostgreSQL)', () => {
  const PROGRAMS = 50_000;
  const ALLIANCES = 20_000;
  let stack: TestStack;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'] });
    db = new Client({ connectionString: stack.databases.reporting });
    await db.connect();
    const i = stack.institution;
    await db.query(
      `INSERT INTO counter (institution, metric, dims, day, value)
       SELECT $1, 'programs.open', jsonb_build_object('code', 'P' || n, 'level', CASE WHEN n % 2 = 0 THEN 'higher_vocational' ELSE 'undergraduate' END,
         'category', (n % 40)::text, 'cluster', CASE WHEN n % 10 = 0 THEN NULL ELSE 'C' || (n % 7) END, 'aligned', n % 4 = 0), '-infinity'::date, 1
       FROM generate_series(1, $2::int) AS n
       UNION ALL
       SELECT $1, 'intake', jsonb_build_object('cohortYear', 2022, 'level', CASE WHEN n % 2 = 0 THEN 'higher_vocational' ELSE 'undergraduate' END,
         'pathway', CASE WHEN n % 10 = 0 THEN 'through_2_3' ELSE 'regular' END, 'programCode', 'P' || n), '-infinity'::date, 3
       FROM generate_series(1, $2::int) AS n
       UNION ALL
       SELECT $1, 'graduates', jsonb_build_object('graduationYear', 2022, 'level', 'higher_vocational', 'programCode', 'P' || n), '-infinity'::date, 2
       FROM generate_series(1, $2::int) AS n
       UNION ALL
       SELECT $1, 'alliances', jsonb_build_object('allianceId', 'A' || n, 'role', CASE WHEN n % 5 = 0 THEN 'chair' ELSE 'member' END,
         'scope', 'regional', 'sector', NULL), '2020-01-01'::date, 1
       FROM generate_series(1, $3::int) AS n
       UNION ALL
       SELECT $1, 'alliance.activity_participants', jsonb_build_object('allianceId', 'A' || n, 'activityId', 'F' || n, 'year', 2022, 'kind', 'forum'),
         '2022-05-01'::date, n % 997
       FROM generate_series(1, $3::int) AS n
       UNION ALL
       SELECT $1, 'partnerships.order_classes', jsonb_build_object('cohortYear', 2022, 'programCode', 'P' || (n % 3000), 'classNo', n), '-infinity'::date, 1
       FROM generate_series(1, $3::int) AS n`,
      [i, PROGRAMS, ALLIANCES],
    );
    await db.query('ANALYZE counter');
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('GET /reports/overview: the figures, in a small body, from queries that each bring back a few rows', async () => {
    const largest: number[] = [];
    const { restore } = tapConnections(stack.apps.reporting!.get(DataSource), async (args, send) => {
      const result = await send(...args);
      largest.push(...rowCounts(result));
      return result;
    });
    let res;
    try {
      res = await stack.reporting.get('/reports/overview?year=2022&asOf=2022-12-31');
    } finally {
      restore();
    }
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      programs: {
        open: PROGRAMS,
        higherVocational: PROGRAMS / 2,
        undergraduate: PROGRAMS / 2,
        categories: 40,
        clusters: 7,
        alignedShare: 0.25,
      },
      intake: {
        total: (PROGRAMS - PROGRAMS / 10) * 3,
        through23: (PROGRAMS / 10) * 3,
        higherVocational: (PROGRAMS / 2 - PROGRAMS / 10) * 3,
      },
      graduates: { cohort: 2022, total: PROGRAMS * 2 },
      alliances: { total: ALLIANCES, led: ALLIANCES / 5, forumParticipants: 996 },
      partnerships: { orderClasses: { programs: 3000 } },
    });
    expect(JSON.stringify(res.body).length).toBeLessThan(4096);
    expect(largest.length).toBeGreaterThan(0);
    expect(Math.max(...largest)).toBeLessThanOrEqual(20);
  }, 120_000);
});
