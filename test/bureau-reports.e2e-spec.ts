import { WRITE_SERVICES } from '@chanjiao/auth';
import { demoContextFor, startStack, TestStack, waitForReports } from '@chanjiao/test-support';
import { createDemoContext } from '../scripts/demo/run-demo';
import { seeded } from '../scripts/demo/random';
import { loadVariedData } from './fixtures/varied-data';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const MONEY = /^-?\d+\.\d{2}$/;
/** Fields that say what a report is of, not figures: equal in every answer of one query. */
const SAME = new Set(['year', 'cohort', 'date', 'within', 'by', 'kind', 'source', 'key', 'item', 'itemEn', 'table', 'tableEn']);
/** Fields derived from figures (recomputed from the summed terms) or about the freshness (checked apart). */
const DERIVED = new Set(['rate', 'alignedShare', 'institution', 'institutions', 'asOf', 'lastAppliedAt', 'eventsQueued', 'nextCursor']);

const cents = (s: string) => BigInt(s.replace('.', ''));
const roundedRate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10000) / 10000);
/** What identifies an item in a list of breakdown rows or report items. */
const identity = (o: Obj) => JSON.stringify(['table', 'key', 'kind', 'source', 'item'].map((k) => o[k] ?? null));

/**
 * Expects `sum` (the report of A,B) to be `a` + `b` (A's and B's), field by field: counts and CNY add, rates are their
 * summed numerator over their summed denominator, rows of breakdowns add by key; rows naming records (a program, an
 * alliance, a finding) are A's and B's, each naming its institution. Returns how many figures it compared.
 */
function expectSum(sum: Json, a: Json, b: Json, path: string, tagged: { a: string; b: string }): number {
  if (typeof sum === 'number' || typeof a === 'number' || typeof b === 'number') {
    if (a === null || b === null) return 0; // UNKNOWN_WITHOUT_ROW
    expect({ path, value: sum }).toEqual({ path, value: (a as number) + (b as number) });
    return 1;
  }
  if (typeof sum === 'string' && MONEY.test(sum)) {
    expect({ path, cents: cents(sum) }).toEqual({ path, cents: cents(a as string) + cents(b as string) });
    return 1;
  }
  if (sum === null || typeof sum !== 'object') {
    expect({ path, value: sum }).toEqual({ path, value: a });
    expect({ path, value: sum }).toEqual({ path, value: b });
    return 0;
  }
  if (Array.isArray(sum)) {
    const [aRows, bRows] = [a as Obj[], b as Obj[]];
    if (sum.length && typeof sum[0] === 'object' && sum[0] !== null && 'institution' in (sum[0] as Obj)) {
      // Rows naming records: A's rows and B's, each naming its institution.
      const expected = [
        ...aRows.map((r) => Object.assign({ institution: tagged.a }, r)),
        ...bRows.map((r) => Object.assign({ institution: tagged.b }, r)),
      ];
      const order = (xs: Obj[]) => xs.map(canonical).sort();
      expect({ path, rows: order(sum as Obj[]) }).toEqual({ path, rows: order(expected) });
      return expected.length;
    }
    if (sum.every((x) => typeof x !== 'object' || x === null)) {
      expect({ path, list: [...(sum as string[])].sort() }).toEqual({
        path,
        list: [...new Set([...(a as string[]), ...(b as string[])])].sort(),
      });
      return 0;
    }
    const byId = (xs: Obj[]) => new Map(xs.map((x) => [identity(x), x]));
    const [s, x, y] = [byId(sum as Obj[]), byId(aRows), byId(bRows)];
    expect({ path, keys: [...s.keys()].sort() }).toEqual({ path, keys: [...new Set([...x.keys(), ...y.keys()])].sort() });
    let n = 0;
    for (const [id, row] of s) n += expectSum(row, x.get(id) ?? zeroLike(row), y.get(id) ?? zeroLike(row), `${path}[${id}]`, tagged);
    return n;
  }
  const [o, p, q] = [sum, a as Obj, b as Obj];
  const fields = (x: Obj) =>
    Object.keys(x)
      .filter((k) => !DERIVED.has(k) || k === 'rate' || k === 'alignedShare')
      .sort();
  expect({ path, fields: fields(o) }).toEqual({ path, fields: fields(p) });
  let n = 0;
  for (const k of Object.keys(o)) {
    if (DERIVED.has(k)) continue;
    if (SAME.has(k) || typeof o[k] === 'boolean') {
      expect({ path: `${path}.${k}`, value: o[k] }).toEqual({ path: `${path}.${k}`, value: p[k] });
      continue;
    }
    n += expectSum(o[k]!, p[k]!, q[k]!, `${path}.${k}`, tagged);
  }
  if ('numerator' in o && 'rate' in o)
    expect({ path, rate: o.rate }).toEqual({ path, rate: roundedRate(o.numerator as number, o.denominator as number) });
  if ('alignedShare' in o) {
    const aligned = (x: Obj) => Math.round((x.alignedShare as number) * (x.open as number));
    expect({ path, alignedShare: o.alignedShare }).toEqual({ path, alignedShare: roundedRate(aligned(p) + aligned(q), o.open as number) });
  }
  return n;
}

/** A row absent from one institution's report: the same shape with every figure 0. */
function zeroLike(row: Json): Json {
  if (typeof row === 'number') return 0;
  if (typeof row === 'string') return MONEY.test(row) ? '0.00' : row;
  if (row === null || typeof row !== 'object') return row;
  if (Array.isArray(row)) return [];
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, SAME.has(k) ? v : UNKNOWN_WITHOUT_ROW.has(k) ? null : zeroLike(v)]));
}

/**
 * Figures of a row an institution's report has not that are not 0 for it: a rate's denominator (placement by category:
 * a share of all its graduates), agreements in force at the end of a year (by=year has a row for a year only where the
 * institution signed in it).
 */
const UNKNOWN_WITHOUT_ROW = new Set(['denominator', 'active', 'expired', 'terminated']);

/** JSON with keys in order: rows compared whatever order their fields come in. */
function canonical(o: Json): string {
  if (o === null || typeof o !== 'object') return JSON.stringify(o);
  if (Array.isArray(o)) return `[${o.map(canonical).join(',')}]`;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k]!)}`)
    .join(',')}}`;
}

/** The figures of a report that are not 0 (not what it is of): a comparison of zeros would prove nothing. */
function nonZeroFigures(o: Json): number {
  if (typeof o === 'number') return o === 0 ? 0 : 1;
  if (typeof o === 'string') return MONEY.test(o) && cents(o) !== 0n ? 1 : 0;
  if (o === null || typeof o !== 'object') return 0;
  if (Array.isArray(o)) return o.reduce<number>((n, x) => n + nonZeroFigures(x), 0);
  return Object.entries(o).reduce((n, [k, v]) => n + (SAME.has(k) || DERIVED.has(k) ? 0 : nonZeroFigures(v)), 0);
}

/**
 * A bureau's view (DESIGN.md §5): two institutions' varied data written through the four write APIs and applied by the
 * real consumer; every report asked for `A,B` by a key bound to both is A's plus B's, `all` is the same, and keys that
 * may not are refused.
 */
describe('reports of several institutions (a bureau key)', () => {
  let stack: TestStack;
  let A: string;
  let B: string;
  let bureau: string;
  let college: string;
  let adminOfAll: string;

  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'placement', 'partnership', 'alliance', 'reporting'] });
    A = stack.institution;
    B = `${A.slice(0, 20)}-B`;
    const writerB = (await stack.keys.create({ role: 'writer', services: [...WRITE_SERVICES], institution: B })).key;
    const readerB = (await stack.keys.create({ role: 'reader', services: ['reporting'], institution: B })).key;
    bureau = (await stack.keys.create({ role: 'reader', services: ['reporting'], institutions: [A, B] })).key;
    college = stack.readerKey;
    adminOfAll = (await stack.keys.create({ role: 'admin', services: ['*'], institutions: ['*'] })).key;
    // The same ids in both (programs, partners E0…, agreements A90…, alliances AL1…): records pair institution and id.
    await loadVariedData(demoContextFor(stack), seeded(26));
    const contextB = createDemoContext({ urls: stack.urls, writerKey: writerB, readerKey: readerB });
    await loadVariedData(contextB, seeded(10));
    await waitForReports(demoContextFor(stack));
    await waitForReports(contextB);
  }, 240_000);
  afterAll(() => stack?.close());

  const get = async (key: string, path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${stack.urls.reporting}${path}`, { headers: Object.assign({ authorization: `Bearer ${key}` }, headers) });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
    };
  };
  const with_ = (path: string, institution: string) =>
    `${path}${path.includes('?') ? '&' : '?'}institution=${encodeURIComponent(institution)}`;
  /** The report for A, for B and for A,B (each 200). */
  const three = async (path: string) => {
    const [a, b, ab] = await Promise.all([get(bureau, with_(path, A)), get(bureau, with_(path, B)), get(bureau, with_(path, `${A},${B}`))]);
    for (const r of [a, b, ab])
      expect({ path, status: r.status, body: r.status === 200 ? null : r.body }).toEqual({ path, status: 200, body: null });
    return { a: a.body as Obj, b: b.body as Obj, ab: ab.body as Obj };
  };

  const REPORTS = [
    '/reports/overview?year=2022&asOf=2023-06-20',
    '/reports/overview?year=2021&asOf=2021-09-01',
    '/reports/enrollment?year=2022&asOf=2023-06-20&by=level',
    '/reports/enrollment?year=2021&asOf=2023-06-20&by=sector',
    '/reports/enrollment?year=2021&asOf=2023-06-20&by=category',
    '/reports/enrollment?year=2021&asOf=2023-06-20&by=program',
    '/reports/placement?cohort=2022&asOf=2023-06-20&by=category',
    '/reports/placement?cohort=2022&asOf=2023-06-20&by=region',
    '/reports/placement?cohort=2022&asOf=2023-06-20&by=program',
    '/reports/internships?year=2022&asOf=2023-06-20',
    '/reports/partnerships?year=2022&asOf=2023-06-20&by=kind',
    '/reports/partnerships?year=2022&asOf=2023-06-20&by=year',
    '/reports/partnerships?year=2022&asOf=2023-06-20&by=sector',
    '/reports/partnerships/expiring?asOf=2022-06-01&within=730&limit=500',
    '/reports/alliances?year=2022&asOf=2023-06-20',
    '/reports/data-quality?limit=500',
    '/reports/quality-report?year=2022&asOf=2023-06-20',
    '/reports/freshness',
    '/reports/alignment?year=2022&asOf=2023-06-20&programLimit=100',
  ];

  it.each(REPORTS)('%s for A,B is A’s plus B’s, field by field', async (path) => {
    const { a, b, ab } = await three(path);
    expect(ab.institution).toBe([A, B].sort().join(','));
    expect(ab.institutions).toEqual([A, B].sort());
    expect(a.institution).toBe(A);
    expect(a).not.toHaveProperty('institutions');
    const newest =
      [a.asOf, b.asOf]
        .filter((t): t is string => typeof t === 'string')
        .sort()
        .at(-1) ?? null;
    expect(ab.asOf).toBe(newest);
    expect(expectSum(ab, a, b, path, { a: A, b: B })).toBeGreaterThan(0);
    // Not a comparison of zeros: each report has figures in both institutions.
    expect(nonZeroFigures(a)).toBeGreaterThan(0);
    expect(nonZeroFigures(b)).toBeGreaterThan(0);
  });

  it('the overview of A,B: every numeric field is A’s plus B’s, and the records of the same ids are told apart', async () => {
    const { a, b, ab } = await three('/reports/overview?year=2022&asOf=2023-06-20');
    const numbers = (o: Json, prefix = ''): Array<[string, number]> =>
      o !== null && typeof o === 'object' && !Array.isArray(o)
        ? Object.entries(o).flatMap(([k, v]) =>
            typeof v === 'number' ? [[`${prefix}${k}`, v] as [string, number]] : numbers(v, `${prefix}${k}.`),
          )
        : [];
    const [na, nb] = [new Map(numbers(a)), new Map(numbers(b))];
    const ratios = new Set(['programs.alignedShare', 'graduates.placement.rate', 'year', 'graduates.cohort']);
    const checked = numbers(ab).filter(([k]) => !ratios.has(k));
    for (const [k, v] of checked) expect({ k, v }).toEqual({ k, v: na.get(k)! + nb.get(k)! });
    expect(checked.length).toBeGreaterThanOrEqual(30);
    // Both have programs of the same codes, alliances AL1–AL3: counted in each.
    expect((a.programs as Obj).categories).toBeGreaterThan(0);
    expect((ab.programs as Obj).categories).toBe(((a.programs as Obj).categories as number) + ((b.programs as Obj).categories as number));
    expect((ab.alliances as Obj).total).toBe(((a.alliances as Obj).total as number) + ((b.alliances as Obj).total as number));
  });

  it.each(['intake.total', 'programs.categories', 'partnerships.enterprises', 'alliances.forumParticipants', 'trainingBases.investment'])(
    'explains %s of A,B: the figure is A’s plus B’s, and its records are theirs',
    async (field) => {
      const path = `/reports/explain?field=${field}&year=2022&asOf=2023-06-20&limit=500`;
      const { a, b, ab } = await three(path);
      const add = (x: Json, y: Json) =>
        typeof x === 'string' ? (cents(x) + cents(y as string)).toString() : (x as number) + (y as number);
      const asCents = (x: Json) => (typeof x === 'string' ? cents(x).toString() : x);
      expect(nonZeroFigures(a.figure)).toBe(1);
      expect(asCents(ab.figure)).toEqual(add(asCents(a.figure), asCents(b.figure)));
      expect(ab.total).toEqual(ab.figure);
      expect(ab.count).toBe((a.count as number) + (b.count as number));
      const whose = (r: Json) => `${(r as Obj).institution as string}/${(r as Obj).id as string}/${String((r as Obj).value)}`;
      expect((ab.items as Obj[]).map(whose).sort()).toEqual([...(a.items as Obj[]), ...(b.items as Obj[])].map(whose).sort());
    },
  );

  it('the alliance report of A,B has a row per institution and alliance, though the ids are the same', async () => {
    const { a, b, ab } = await three('/reports/alliances?year=2022&asOf=2023-06-20');
    const ids = (r: Obj) => (r.alliances as Obj[]).map((x) => `${(x.institution as string) ?? ''}/${x.allianceId as string}`);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(ab).sort()).toEqual([...ids(a).map((i) => `${A}${i}`), ...ids(b).map((i) => `${B}${i}`)].sort());
  });

  it('pages the expiring agreements of A,B by institution too: the pages together are A’s and B’s', async () => {
    const { a, b } = await three('/reports/partnerships/expiring?asOf=2022-06-01&within=730&limit=500');
    const seen: Obj[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Obj } = await get(
        bureau,
        `/reports/partnerships/expiring?asOf=2022-06-01&within=730&limit=2&institution=${A},${B}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...(page.body.agreements as Obj[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    const tag = (r: Obj, institution: string) => `${institution}/${r.agreementId as string}`;
    expect((a.agreements as Obj[]).length).toBeGreaterThan(0);
    expect(seen.map((r) => tag(r, r.institution as string)).sort()).toEqual(
      [...(a.agreements as Obj[]).map((r) => tag(r, A)), ...(b.agreements as Obj[]).map((r) => tag(r, B))].sort(),
    );
  });

  it('all is A,B for a bureau bound to A and B, and for an admin key of * (every institution reporting knows)', async () => {
    for (const path of ['/reports/overview?year=2022&asOf=2023-06-20', '/reports/enrollment?year=2021&asOf=2023-06-20&by=program']) {
      const ab = await get(bureau, with_(path, `${A},${B}`));
      const ba = await get(bureau, with_(path, `${B},${A}`));
      const all = await get(bureau, with_(path, 'all'));
      const header = await get(bureau, path, { 'x-institution': 'all' });
      const admin = await get(adminOfAll, with_(path, 'all'));
      expect(ab.status).toBe(200);
      for (const other of [ba, all, header, admin]) expect(other.body).toEqual(ab.body);
    }
  });

  it('names the files of A,B by both codes, and of all as all', async () => {
    const ab = await get(bureau, `/reports/quality-report?year=2022&asOf=2023-06-20&format=csv&institution=${A},${B}`);
    expect(ab.status).toBe(200);
    const [x, y] = [A, B].sort();
    expect(ab.headers.get('content-disposition')).toContain(`filename="quality-report-${x}_${y}-2022.csv"`);
    expect(ab.text).toContain(`${x},${y}`);
    const all = await get(bureau, '/reports/quality-report?year=2022&asOf=2023-06-20&format=xlsx&institution=all');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-disposition')).toContain('filename="quality-report-all-2022.xlsx"');
  });

  it('streams the sum of A and B: the first change counts both institutions’ events', async () => {
    const [fa, fb] = await Promise.all([get(bureau, with_('/reports/freshness', A)), get(bureau, with_('/reports/freshness', B))]);
    const abort = new AbortController();
    const res = await fetch(`${stack.urls.reporting}/reports/stream?institution=${A},${B}`, {
      headers: { authorization: `Bearer ${bureau}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!/event: change\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    const change = JSON.parse(/event: change\ndata: (.*)\n\n/.exec(text)![1]!) as Obj;
    expect(change).toEqual({
      institution: [A, B].sort().join(','),
      institutions: [A, B].sort(),
      asOf: [fa.body.asOf, fb.body.asOf].sort().at(-1),
      eventsApplied: (fa.body.eventsApplied as number) + (fb.body.eventsApplied as number),
    });
  });

  it('refuses a college key naming A,B or all, and a bureau naming an institution outside its list', async () => {
    const path = '/reports/overview?year=2022';
    for (const [key, institution] of [
      [college, `${A},${B}`],
      [college, 'all'],
      [college, B],
      [bureau, `${A},C${A.slice(1)}`],
      [bureau, `C${A.slice(1)}`],
    ] as const) {
      const r = await get(key, with_(path, institution));
      expect({ institution, status: r.status, error: (r.body as Obj).error }).toEqual({ institution, status: 403, error: 'forbidden' });
      const h = await get(key, path, { 'x-institution': institution });
      expect({ institution, status: h.status }).toEqual({ institution, status: 403 });
    }
    // Its own, once or twice, is the college's report.
    expect((await get(college, with_(path, `${A},${A}`))).body).toEqual((await get(college, path)).body);
  });

  it.each([
    [`A1,,B1`, 'empty'],
    [`A1,`, 'empty'],
    [`,`, 'empty'],
    [`A1,b1`, 'not an institution code'],
    [Array.from({ length: 201 }, (_, i) => `I${i}`).join(','), '200'],
  ])('answers 400 naming institution for %s', async (list, why) => {
    for (const r of [
      await get(adminOfAll, with_('/reports/overview?year=2022', list)),
      await get(adminOfAll, '/reports/overview?year=2022', { 'x-institution': list }),
    ]) {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ errors: [{ field: 'institution', message: expect.stringContaining(why) }] });
    }
  });
});
