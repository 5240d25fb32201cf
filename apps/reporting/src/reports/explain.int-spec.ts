import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import { expectEventually, httpClient, HttpClient, publishEvents } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { randomWorkload } from '../../../../test/fixtures/random-workload';
import { OVERVIEW_FIELDS } from './explain.fields';

type Value = number | string;

/** Money as cents, counts as themselves: sums of listing values compared exactly. */
const units = (v: Value): bigint => (typeof v === 'string' ? BigInt(v.replace('.', '')) : BigInt(v));

const at = (o: unknown, path: string): Value => path.split('.').reduce((x: any, k) => x?.[k], o) as Value;

/**
 * GET /reports/explain against a random workload (seeded) projected by the real engine from RabbitMQ into PostgreSQL:
 * for every explainable field of the overview and of the breakdowns (every row the reports give) at several dates, the
 * figure it gives is the report's, and its listing (every page) sums to it, with as many records as `count`.
 */
describe('GET /reports/explain (real PostgreSQL and RabbitMQ)', () => {
  const SEED = 20261206;
  const OTHER = 'OTHERCOLLEGE';
  let stack: TestStack;
  let api: HttpClient;
  let events = 0;

  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'] });
    api = stack.reporting;
    const mine = randomWorkload(stack.institution, SEED);
    const other = randomWorkload(OTHER, SEED + 1);
    events = mine.length;
    await publishEvents(stack.amqpUrl, stack.exchange, [...mine, ...other]);
    await expectEventually(
      async () => {
        const f = await api.get('/reports/freshness');
        expect(f.body.eventsApplied).toBe(events);
        expect(f.body.eventsParked).toBe(0);
      },
      { timeoutMs: 120_000 },
    );
  }, 180_000);
  afterAll(() => stack?.close());

  /** Up to `n` requests at a time. */
  async function inParallel<T>(items: T[], n: number, work: (t: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    await Promise.all(
      Array.from({ length: n }, async () => {
        for (let t = queue.shift(); t !== undefined; t = queue.shift()) await work(t);
      }),
    );
  }

  const explain = async (field: string, year: number, asOf: string, extra = '') => {
    const res = await api.get(`/reports/explain?field=${encodeURIComponent(field)}&year=${year}&asOf=${asOf}${extra}`);
    if (res.status !== 200) throw new Error(`${field} ${year} ${asOf}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** Every page of the listing, checked: no record twice, the values sum to `total` = `figure` = the report's. */
  async function checkField(field: string, year: number, asOf: string, expected: Value, limit = 1000) {
    let cursor: string | null = null;
    const seen = new Set<string>();
    let sum = 0n;
    let first: any;
    do {
      const body: any = await explain(field, year, asOf, `&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      first ??= body;
      for (const r of body.items) {
        const key = `${r.institution}/${r.kind}/${r.id}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        expect(r.institution).toBe(stack.institution);
        sum += units(r.value);
      }
      cursor = body.nextCursor;
    } while (cursor);
    const context = `${field} year=${year} asOf=${asOf}`;
    expect({ context, figure: first.figure }).toEqual({ context, figure: expected });
    expect({ context, total: first.total }).toEqual({ context, total: expected });
    expect({ context, sum }).toEqual({ context, sum: units(expected) });
    expect({ context, count: seen.size }).toEqual({ context, count: first.count });
    return first;
  }

  const DATES: Array<[number, string]> = [
    [2022, '2022-08-31'],
    [2022, '2023-06-30'],
    [2021, '2021-03-31'],
  ];

  it('every overview field: figure = the overview’s = the sum of its listing over every page (pages of 7)', async () => {
    let checked = 0;
    for (const [year, asOf] of DATES) {
      const overview = (await api.get(`/reports/overview?year=${year}&asOf=${asOf}`)).body;
      await inParallel([...OVERVIEW_FIELDS], 4, async (field) => {
        if (field === 'programs.alignedShare.numerator') {
          // The overview gives the share alone: its numerator is the one that, over the open programs, rounds to it.
          const body = await checkField(field, year, asOf, (await explain(field, year, asOf)).figure, 7);
          expect(Math.round((body.figure / overview.programs.open) * 10000) / 10000).toBe(overview.programs.alignedShare);
        } else {
          const expected = field === 'programs.alignedShare.denominator' ? overview.programs.open : at(overview, field);
          await checkField(field, year, asOf, expected, 7);
        }
        checked++;
      });
    }
    expect(checked).toBe(OVERVIEW_FIELDS.length * DATES.length);
    // The workload gives the listings something to list (a test of empty listings could not fail).
    const overview = (await api.get('/reports/overview?year=2022&asOf=2023-06-30')).body;
    for (const f of [
      'intake.total',
      'graduates.total',
      'graduates.placed',
      'graduates.notPlaced',
      'internships.students',
      'alliances.members',
    ])
      expect(at(overview, f)).toBeGreaterThan(0);
    expect(overview.trainingBases.investment).not.toBe('0.00');
  }, 300_000);

  it('every row of the enrollment, placement, partnerships and alliances reports', async () => {
    const checks: Array<[string, number, string, Value]> = [];
    for (const [year, asOf] of DATES.slice(0, 2)) {
      for (const by of ['level', 'program', 'category', 'sector', 'pathway']) {
        const r = (await api.get(`/reports/enrollment?year=${year}&asOf=${asOf}&by=${by}`)).body;
        for (const row of r.rows)
          for (const c of ['intake', 'through23', 'withdrawals', 'graduates'])
            if (row[c] !== null) checks.push([`enrollment.${by}=${row.key}.${c}`, year, asOf, row[c]]);
        for (const c of ['intake', 'through23', 'withdrawals', 'graduates'])
          if (r.totals[c] !== null) checks.push([`enrollment.total.${c}`, year, asOf, r.totals[c]]);
      }
      for (const by of ['category', 'detail', 'program', 'sector', 'region']) {
        const r = (await api.get(`/reports/placement?cohort=${year}&asOf=${asOf}&by=${by}`)).body;
        expect(r.rows.length).toBeGreaterThan(0);
        for (const row of r.rows)
          for (const c of ['numerator', 'denominator']) checks.push([`placement.${by}=${row.key}.${c}`, year, asOf, row[c]]);
      }
      for (const by of ['kind', 'form', 'sector', 'year']) {
        const r = (await api.get(`/reports/partnerships?year=${year}&asOf=${asOf}&by=${by}`)).body;
        const columns = ['signed', 'renewed', 'active', 'expired', 'terminated', 'enterprises'];
        for (const row of r.rows) for (const c of columns) checks.push([`partnerships.${by}=${row.key}.${c}`, year, asOf, row[c]]);
        for (const c of columns) checks.push([`partnerships.total.${c}`, year, asOf, r.totals[c]]);
        checks.push(['partnerships.investment.total', year, asOf, r.investment.total]);
        for (const s of r.investment.bySource) checks.push([`partnerships.investment.${s.source}`, year, asOf, s.amount]);
        for (const m of ['trained', 'sat', 'passed'])
          checks.push([`partnerships.certificatePilots.results.${m}`, year, asOf, r.certificatePilots.results[m]]);
      }
      const alliances = (await api.get(`/reports/alliances?year=${year}&asOf=${asOf}`)).body;
      expect(alliances.alliances.length).toBeGreaterThan(0);
      for (const a of alliances.alliances) {
        const row = (c: string) => `alliances.alliance=${a.allianceId}.${c}`;
        checks.push([row('members'), year, asOf, a.members.total]);
        checks.push([row('joins'), year, asOf, a.joins]);
        checks.push([row('departures'), year, asOf, a.departures]);
        checks.push([row('contributions'), year, asOf, a.contributions.count]);
        checks.push([row('contributionAmount'), year, asOf, a.contributions.amount]);
        checks.push([row('activities'), year, asOf, a.activities.count]);
      }
    }
    expect(checks.length).toBeGreaterThan(300);
    expect(checks.some(([f]) => f.startsWith('placement.category=') && f.includes('unrecorded'))).toBe(true);
    expect(checks.some(([f]) => f.startsWith('enrollment.category=unknown'))).toBe(true);
    await inParallel(checks, 4, ([field, year, asOf, expected]) => checkField(field, year, asOf, expected).then(() => undefined));
  }, 600_000);

  it('each record says what counts: its facts (days, dims) and the applied events that set them', async () => {
    const body = await explain('graduates.placed', 2022, '2023-06-30', '&limit=1000');
    expect(body.items.length).toBeGreaterThan(0);
    const db = new Client({ connectionString: stack.databases.reporting });
    await db.connect();
    try {
      for (const r of body.items) {
        expect(r.kind).toBe('graduate');
        expect(r.value).toBe(1);
        expect(r.facts.length).toBeGreaterThan(0);
        for (const f of r.facts) {
          expect(f.metric).toBe('graduates.by_category');
          expect(f.dims.cohort).toBe(2022);
          expect(f.day <= '2023-06-30').toBe(true);
        }
        // The graduation and every destination version of the student, as applied.
        const { rows } = await db.query(
          `SELECT id FROM event_log WHERE institution = $1 AND subject = $2
             AND (type LIKE 'enrollment.student.graduated.%' OR type LIKE 'placement.destination.%') ORDER BY time, sequence`,
          [stack.institution, r.id],
        );
        expect(r.events.map((e: { id: string }) => e.id).sort()).toEqual(rows.map((e) => e.id).sort());
        expect(r.events.some((e: { type: string }) => e.type === 'placement.destination.recorded.v1')).toBe(true);
      }
    } finally {
      await db.end();
    }
    const money = await explain('trainingBases.investment', 2022, '2023-06-30');
    for (const r of money.items) {
      expect(r.kind).toBe('training_base');
      expect(typeof r.value).toBe('string');
      expect(r.events.some((e: { type: string }) => e.type === 'partnership.training_base.investment_recorded.v1')).toBe(true);
    }
    const interns = await explain('internships.students', 2022, '2023-06-30');
    expect(interns.items.some((r: any) => r.events.some((e: { type: string }) => e.type.startsWith('placement.internship.')))).toBe(true);
  });

  it('format=csv: every record, UTF-8 with a BOM, the figure first; it reads back as the JSON listing', async () => {
    for (const field of ['graduates.notPlaced', 'trainingBases.investment', 'programs.categories']) {
      const q = `field=${field}&year=2022&asOf=2023-06-30`;
      const res = await fetch(`${stack.urls.reporting}/reports/explain?${q}&format=csv`, {
        headers: { authorization: `Bearer ${stack.readerKey}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows: string[][] = parse(bytes.toString('utf8').slice(1), { relax_column_count: true });
      const json = await explain(field, 2022, '2023-06-30', '&limit=1000');
      expect(rows[4]).toEqual(['数值 / Figure', String(json.figure)]);
      expect(rows[5]).toEqual(['记录数 / Count', String(json.count)]);
      const heading = rows.findIndex((r) => r[0] === '学校 / institution');
      const records = rows.slice(heading + 1);
      expect(records).toHaveLength(json.count);
      expect(records.map((r) => [r[0], r[1], r[2], r[3], r[8]])).toEqual(
        json.items.map((r: any) => [r.institution, r.kind, r.id, String(r.value), r.events.map((e: any) => e.id).join(';')]),
      );
      expect(records.map((r) => JSON.parse(r[7]!))).toEqual(json.items.map((r: any) => r.facts));
    }
  });

  it('an unknown field is 400 naming `field` with close matches; a bad cursor 400 naming `cursor`', async () => {
    const res = await api.get('/reports/explain?field=graduates.plced&year=2022&asOf=2023-06-30');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unknown_field');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'field' })]);
    expect(res.body.message).toContain('graduates.placed');
    for (const field of ['', 'placement.category=contract.placed', 'enrollment.pathway=regular.graduates', 'partnerships.total']) {
      const bad = await api.get(`/reports/explain?field=${encodeURIComponent(field)}&year=2022`);
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.[0]?.field).toBe('field');
    }
    const cursor = await api.get('/reports/explain?field=graduates.total&year=2022&cursor=nope!');
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors?.[0]?.field).toBe('cursor');
    const format = await api.get('/reports/explain?field=graduates.total&year=2022&format=xlsx');
    expect(format.status).toBe(400);
    expect(format.body.errors?.[0]?.field).toBe('format');
  });

  it('a college’s key cannot explain another institution’s figure', async () => {
    const res = await api.get(`/reports/explain?field=graduates.total&year=2022&institution=${OTHER}`);
    expect(res.status).toBe(403);
    const csv = await api.get(`/reports/explain?field=graduates.total&year=2022&institution=${OTHER}&format=csv`);
    expect(csv.status).toBe(403);
    // Its own listing holds none of the other institution's records, which has as many.
    const admin = await stack.keys.create({ role: 'admin', services: ['*'], institutions: ['*'] });
    const other = await httpClient(stack.urls.reporting!, admin.key).get(
      `/reports/explain?field=graduates.total&year=2022&institution=${OTHER}`,
    );
    expect(other.status).toBe(200);
    expect(other.body.count).toBeGreaterThan(0);
    expect(other.body.items.every((r: { institution: string }) => r.institution === OTHER)).toBe(true);
  });
});
