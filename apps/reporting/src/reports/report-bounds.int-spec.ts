import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startStack, TestStack } from '@chanjiao/test-support';
import { tapConnections } from '@chanjiao/testing';

/** The rows a query answered: a pipeline answers a list of row lists, one per statement. */
function rowCounts(result: unknown): number[] {
  if (Array.isArray(result))
    return result.length > 0 && result.every(Array.isArray) ? result.map((r: unknown[]) => r.length) : [result.length];
  const rows = (result as { rows?: unknown })?.rows;
  return Array.isArray(rows) ? [rows.length] : [];
}

/** Runs `work` with reporting's connections tapped: what it answers, and the largest row count any query brought back. */
async function measured<T>(stack: TestStack, work: () => Promise<T>): Promise<{ result: T; largest: number }> {
  const counts: number[] = [];
  const { restore } = tapConnections(stack.apps.reporting!.get(DataSource), async (args, send) => {
    const result = await send(...args);
    counts.push(...rowCounts(result));
    return result;
  });
  try {
    const result = await work();
    if (counts.length === 0) throw new Error('no query was seen: the tap measured nothing');
    return { result, largest: Math.max(...counts) };
  } finally {
    restore();
  }
}

/**
 * An institution with 50,000 open programs (and as many students and graduates, 20,000 alliances and forums, 3,000
 * programs with order classes, 12,500 agreements, 30,000 alliance members and participants), written straight into the
 * reporting database: the reports answer the right figures in a small body, and no query they send brings back a row
 * per record (the sums and distinct counts are made in PostgreSQL).
 */
describe('reports stay bounded with many records (real PostgreSQL)', () => {
  const PROGRAMS = 50_000;
  const ALLIANCES = 20_000;
  const EXPIRING = 2_500;
  const MEMBERS = 30_000;
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
    // Agreements: 2,500 expiring within 90 days of 2030-01-01 (250 by a renewal), 10,000 later; a partner each.
    await db.query(
      `INSERT INTO read_model (institution, kind, id, state, facts)
       SELECT $1, 'agreement', 'AG' || lpad(n::text, 5, '0'), jsonb_build_object('agreementId', 'AG' || lpad(n::text, 5, '0'),
         'kind', 'school_enterprise', 'forms', '["order_class"]'::jsonb, 'sectors', '[]'::jsonb, 'partnerIds', jsonb_build_array('E' || n),
         'signedOn', '2025-01-01', 'terminatedOn', NULL,
         'expiresOn', CASE WHEN n % 10 = 0 THEN '2029-06-30' WHEN n <= $2 THEN to_char(DATE '2030-01-01' + n % 90, 'YYYY-MM-DD') ELSE '2031-06-30' END,
         'renewals', CASE WHEN n % 10 = 0 AND n <= $2 THEN jsonb_build_array(jsonb_build_object('date', '2029-06-01',
           'expiresOn', to_char(DATE '2030-01-01' + n % 90, 'YYYY-MM-DD'))) ELSE '[]'::jsonb END), '[]'::jsonb
       FROM generate_series(1, $3::int) AS n
       UNION ALL
       SELECT $1, 'partner', 'E' || n, jsonb_build_object('partnerId', 'E' || n, 'name', '企业' || n), '[]'::jsonb FROM generate_series(1, $3::int) AS n`,
      [i, EXPIRING, EXPIRING + 10_000],
    );
    // Five alliances (registered: a read model each) with 30,000 members and 30,000 participant cells of 2,000 forums.
    await db.query(
      `INSERT INTO read_model (institution, kind, id, state, facts)
       SELECT $1, 'alliance', 'BA' || n, jsonb_build_object('allianceId', 'BA' || n, 'name', '联盟' || n, 'scope', 'regional',
         'sector', NULL, 'foundedOn', '2020-01-01', 'role', 'member'), '[]'::jsonb FROM generate_series(1, 5) AS n
       UNION ALL
       SELECT $1, 'alliance_member', 'BA' || (n % 5 + 1) || '/M' || n, jsonb_build_object('allianceId', 'BA' || (n % 5 + 1), 'memberId', 'M' || n,
         'periods', jsonb_build_array(jsonb_build_object('memberKind', 'enterprise', 'role', 'member', 'joinedOn', '2021-01-01',
           'roleChanges', '[]'::jsonb, 'departedOn', CASE WHEN n % 4 = 0 THEN '2022-06-01' ELSE NULL END))), '[]'::jsonb
       FROM generate_series(1, $2::int) AS n`,
      [i, MEMBERS],
    );
    await db.query(
      `INSERT INTO counter (institution, metric, dims, day, value)
       SELECT $1, 'alliances', jsonb_build_object('allianceId', 'BA' || n, 'role', 'member', 'scope', 'regional', 'sector', NULL),
         '2020-01-01'::date, 1 FROM generate_series(1, 5) AS n
       UNION ALL
       SELECT $1, 'alliance.activity_participant', jsonb_build_object('allianceId', 'BA' || (n % 5 + 1), 'year', 2022, 'kind', 'forum',
         'participant', '单位' || n), '2022-05-01'::date, 1 FROM generate_series(1, $2::int) AS n
       UNION ALL
       SELECT $1, 'alliance.activity_participants', jsonb_build_object('allianceId', 'BA' || (n % 5 + 1), 'activityId', 'BF' || n,
         'year', 2022, 'kind', 'forum'), '2022-05-01'::date, 10 + n % 50 FROM generate_series(1, 2000) AS n`,
      [i, MEMBERS],
    );
    await db.query('ANALYZE counter; ANALYZE read_model');
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('GET /reports/overview: the figures, in a small body, from queries that each bring back a few rows', async () => {
    const { result: res, largest } = await measured(stack, () => stack.reporting.get('/reports/overview?year=2022&asOf=2022-12-31'));
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
      alliances: { total: ALLIANCES + 5, led: ALLIANCES / 5, forumParticipants: 996 },
      partnerships: { orderClasses: { programs: 3000 } },
    });
    expect(JSON.stringify(res.body).length).toBeLessThan(4096);
    expect(largest).toBeLessThanOrEqual(20);
  }, 120_000);

  it('GET /reports/enrollment by level and by pathway: a few rows summed in PostgreSQL, not a row per program', async () => {
    for (const by of ['level', 'pathway']) {
      const { result: res, largest } = await measured(stack, () =>
        stack.reporting.get(`/reports/enrollment?year=2022&asOf=2022-12-31&by=${by}`),
      );
      expect(res.status).toBe(200);
      expect(res.body.totals).toMatchObject({ intake: (PROGRAMS - PROGRAMS / 10) * 3, through23: (PROGRAMS / 10) * 3 });
      expect(res.body.rows.length).toBeLessThanOrEqual(3);
      expect(largest).toBeLessThanOrEqual(20);
    }
  }, 120_000);

  it('GET /reports/alliances: distinct organisations and participants counted in PostgreSQL, not read a row each', async () => {
    const { result: res, largest } = await measured(stack, () => stack.reporting.get('/reports/alliances?year=2022&asOf=2022-12-31'));
    expect(res.status).toBe(200);
    expect(res.body.alliances.map((a: { allianceId: string }) => a.allianceId)).toEqual(['BA1', 'BA2', 'BA3', 'BA4', 'BA5']);
    expect(res.body.totals).toMatchObject({
      alliances: 5,
      organisations: MEMBERS - MEMBERS / 4,
      activities: { distinctParticipants: MEMBERS },
    });
    const forum = res.body.totals.activities.byKind.find((k: { kind: string }) => k.kind === 'forum');
    expect(forum).toMatchObject({ distinctParticipants: MEMBERS, maxParticipants: 59 });
    expect(res.body.alliances[0].activities.distinctParticipants).toBe(MEMBERS / 5);
    expect(JSON.stringify(res.body).length).toBeLessThan(32_768);
    // Per alliance is as many rows as alliances (MAX_ALLIANCES_PER_INSTITUTION; here the overview's 20,000 written past
    // it), never one per member or participant.
    expect(largest).toBeLessThanOrEqual(ALLIANCES + 5);
  }, 120_000);

  it('GET /reports/partnerships/expiring pages: every agreement expiring in the window once, soonest first, none of the later ones read', async () => {
    const seen: Array<{ agreementId: string; expiresOn: string; daysLeft: number; partnerNames: string[] }> = [];
    let pages = 0;
    const { largest } = await measured(stack, async () => {
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { agreements: typeof seen; nextCursor: string | null } } = await stack.reporting.get(
          `/reports/partnerships/expiring?within=90&asOf=2030-01-01&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.agreements.length).toBeLessThanOrEqual(1000);
        seen.push(...res.body.agreements);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor !== null);
    });
    expect(pages).toBe(3);
    const ids = seen.map((a) => a.agreementId);
    expect(new Set(ids).size).toBe(EXPIRING);
    expect(ids).toEqual(
      Array.from({ length: EXPIRING }, (_, n) => `AG${String(n + 1).padStart(5, '0')}`).sort((x, y) => {
        const d = (Number(x.slice(2)) % 90) - (Number(y.slice(2)) % 90);
        return d || (x < y ? -1 : 1);
      }),
    );
    expect(seen[0]).toMatchObject({ daysLeft: 0, partnerNames: [expect.stringMatching(/^企业\d+$/)] });
    // What was read: the agreements in the window (and a page's partners), not the 10,000 expiring later.
    expect(largest).toBeLessThanOrEqual(EXPIRING);
  }, 120_000);
});
