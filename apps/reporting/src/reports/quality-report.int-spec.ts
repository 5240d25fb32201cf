import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { startStack, TestStack } from '@chanjiao/test-support';

const HEADING = ['项目', 'Item', '数值 / Value'];
const RATE_HEADING = [...HEADING, '分子 / Numerator', '分母 / Denominator'];

/** Every table as the seeded counters below give it: [name, English name, heading, rows of [item, itemEn, value, …]]. */
const EXPECTED: Array<{ table: string; tableEn: string; heading: string[]; rows: Array<Array<string | number>> }> = [
  {
    table: '服务贡献表',
    tableEn: 'Service contribution',
    heading: HEADING,
    rows: [
      ['毕业生人数', 'Graduates', 10],
      ['其中：就业人数', 'Of whom employed (placed)', 8],
      ['毕业生就业去向 A 类：留在当地就业人数', 'Destination A: employed locally', 3],
    ],
  },
  {
    table: '计分卡',
    tableEn: 'Score card',
    heading: RATE_HEADING,
    rows: [
      ['毕业去向落实率', 'Placement rate', 0.8, 8, 10],
      ['自主创业比例', 'Entrepreneurship share', 0.2, 2, 10],
    ],
  },
  {
    table: '教学资源与落实政策表',
    tableEn: 'Teaching resources and policy',
    heading: HEADING,
    rows: [
      ['实训基地建设投入（元）', 'Training-base investment (CNY)', 403000123.45],
      ['其中：中央财政投入（元）', 'Of which central government (CNY)', 403000000],
      ['其中：地方财政投入（元）', 'Of which regional government (CNY)', 0],
      ['其中：学校自筹（元）', 'Of which the school (CNY)', 0],
      ['其中：企业投入（元）', 'Of which enterprises (CNY)', 123.45],
      ['其中：其他来源（元）', 'Of which other sources (CNY)', 0],
    ],
  },
  {
    table: '产教融合',
    tableEn: 'Industry–education integration',
    heading: HEADING,
    rows: [
      ['合作企业数', 'Partner enterprises', 4],
      ['校企合作协议签订数', 'School–enterprise agreements signed', 3],
      ['政校合作协议签订数', 'Government–school agreements signed', 1],
      ['校校合作协议签订数', 'School–university agreements signed', 1],
      ['订单班专业数', 'Programs with order classes', 2],
      ['订单班学生数', 'Order-class students', 75],
      ['1+X 证书试点数', '1+X certificate pilots', 2],
      ['1+X 证书试点合作企业数', '1+X pilot partner enterprises', 2],
      ['产业学院数', 'Industry colleges', 1],
      ['参与职教集团（联盟）数', 'Alliances joined', 2],
      ['牵头组建职教集团（联盟）数', 'Alliances led', 1],
      ['实习学生数', 'Students on internships', 6],
      ['其中：本地实习学生数', 'Of whom interning locally', 2],
    ],
  },
];
const MONEY_TEXT: Record<string, string> = {
  '实训基地建设投入（元）': '403000123.45',
  '其中：中央财政投入（元）': '403000000.00',
  '其中：地方财政投入（元）': '0.00',
  '其中：学校自筹（元）': '0.00',
  '其中：企业投入（元）': '123.45',
  '其中：其他来源（元）': '0.00',
};

/**
 * GET /reports/quality-report on counters written straight into the reporting database (as the projections write them):
 * the JSON tables agree with the overview, and the CSV and XLSX downloads hold the same cells, typed and formatted.
 */
describe('GET /reports/quality-report (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;
  const download = async (path: string) => {
    const res = await fetch(`${stack.urls.reporting}${path}`, { headers: { authorization: `Bearer ${stack.readerKey}` } });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    stack = await startStack({ services: ['reporting'] });
    db = new Client({ connectionString: stack.databases.reporting });
    await db.connect();
    const cells: Array<[string, Record<string, unknown>, string, number]> = [
      ['graduates', { graduationYear: 2022, level: 'higher_vocational', programCode: 'P1' }, '-infinity', 10],
      ['graduates.by_category', { cohort: 2022, category: 'contract' }, '2022-07-01', 5],
      ['graduates.by_category', { cohort: 2022, category: 'entrepreneurship' }, '2022-07-01', 2],
      ['graduates.by_category', { cohort: 2022, category: 'further_study' }, '2022-07-01', 1],
      ['graduates.by_category', { cohort: 2022, category: 'not_placed' }, '2022-07-01', 1],
      // A destination that takes effect after asOf counts nowhere yet.
      ['graduates.by_category', { cohort: 2022, category: 'entrepreneurship' }, '2023-09-01', 1],
      ['graduates.local_employed', { cohort: 2022 }, '2022-07-01', 3],
      ['internships.students', { year: 2022 }, '2022-03-01', 6],
      ['internships.local_students', { year: 2022 }, '2022-03-01', 2],
      ['partnerships.enterprises', {}, '2021-05-01', 4],
      ['partnerships.agreement_signed', { by: 'kind', key: 'school_enterprise', year: 2022 }, '2022-04-01', 3],
      // Signed the year before: not "signed in 2022".
      ['partnerships.agreement_signed', { by: 'kind', key: 'school_enterprise', year: 2021 }, '2021-04-01', 5],
      ['partnerships.agreement_signed', { by: 'kind', key: 'government_school', year: 2022 }, '2022-04-01', 1],
      ['partnerships.agreement_signed', { by: 'kind', key: 'university', year: 2022 }, '2022-04-01', 1],
      ['partnerships.certificate_pilots', {}, '2022-01-10', 2],
      ['partnerships.pilot_partners', {}, '2022-01-10', 2],
      ['partnerships.industry_colleges', {}, '2021-09-01', 1],
      ['partnerships.order_classes', { cohortYear: 2022, programCode: 'P1' }, '-infinity', 1],
      ['partnerships.order_classes', { cohortYear: 2022, programCode: 'P2' }, '-infinity', 1],
      ['partnerships.order_class_students', { cohortYear: 2022, programCode: 'P1' }, '-infinity', 40],
      ['partnerships.order_class_students', { cohortYear: 2022, programCode: 'P2' }, '-infinity', 35],
      ['training_bases.investment', { source: 'central_government', year: 2022 }, '2022-06-30', 40_300_000_000],
      ['training_bases.investment', { source: 'enterprise', year: 2022 }, '2022-11-11', 12_345],
      // Another year's investments are not 2022's.
      ['training_bases.investment', { source: 'school', year: 2021 }, '2021-06-30', 100_000],
      ['training_bases.investment', { source: 'school', year: 2023 }, '2023-01-05', 100_000],
      ['alliances', { allianceId: 'A1', role: 'chair', scope: 'regional', sector: null }, '2020-01-01', 1],
      ['alliances', { allianceId: 'A2', role: 'member', scope: 'regional', sector: null }, '2021-01-01', 1],
    ];
    for (const [metric, dims, day, value] of cells)
      await db.query(`INSERT INTO counter (institution, metric, dims, day, value) VALUES ($1, $2, $3, $4::date, $5)`, [
        stack.institution,
        metric,
        JSON.stringify(dims),
        day,
        value,
      ]);
    // Another institution's graduates are not ours.
    await db.query(`INSERT INTO counter (institution, metric, dims, day, value) VALUES ('OTHER', 'graduates', $1, '-infinity', 99)`, [
      JSON.stringify({ graduationYear: 2022, level: 'higher_vocational', programCode: 'P1' }),
    ]);
    await db.query(`INSERT INTO freshness (institution, last_event_time, last_applied_at, events_applied) VALUES ($1, $2, now(), 40)`, [
      stack.institution,
      '2023-06-19T08:00:00.000Z',
    ]);
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('JSON (the default): the tables in the report’s order, every figure the overview’s for the same year and asOf', async () => {
    const res = await stack.reporting.get('/reports/quality-report?year=2022&asOf=2023-06-20');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      institution: stack.institution,
      year: 2022,
      date: '2023-06-20',
      asOf: '2023-06-19T08:00:00.000Z',
      tables: EXPECTED.map((t) => ({
        table: t.table,
        tableEn: t.tableEn,
        items: t.rows.map(([item, itemEn, value, numerator, denominator]) => ({
          item,
          itemEn,
          value:
            numerator !== undefined
              ? { numerator, denominator, rate: value }
              : MONEY_TEXT[item as string] !== undefined
                ? MONEY_TEXT[item as string]
                : value,
        })),
      })),
    });
    const overview = (await stack.reporting.get('/reports/overview?year=2022&asOf=2023-06-20')).body;
    const value = (name: string) =>
      res.body.tables
        .flatMap((t: { items: Array<{ item: string; value: unknown }> }) => t.items)
        .find((i: { item: string }) => i.item === name)?.value;
    expect(value('毕业生人数')).toBe(overview.graduates.total);
    expect(value('其中：就业人数')).toBe(overview.graduates.placed);
    expect(value('毕业生就业去向 A 类：留在当地就业人数')).toBe(overview.graduates.localEmployed);
    expect(value('毕业去向落实率')).toEqual(overview.graduates.placement);
    expect(value('实训基地建设投入（元）')).toBe(overview.trainingBases.investment);
    expect(value('合作企业数')).toBe(overview.partnerships.enterprises);
    expect(value('订单班学生数')).toBe(overview.partnerships.orderClasses.students);
    expect(value('牵头组建职教集团（联盟）数')).toBe(overview.alliances.led);
    expect(value('其中：本地实习学生数')).toBe(overview.internships.localStudents);
  });

  it('asOf before the year: nothing of the year yet, the items still there (zeros the system holds, not left out)', async () => {
    const res = await stack.reporting.get('/reports/quality-report?year=2022&asOf=2021-12-31');
    expect(res.status).toBe(200);
    expect(res.body.tables[1].items[0].value).toEqual({ numerator: 0, denominator: 10, rate: 0 });
    expect(res.body.tables[2].items[0].value).toBe('0.00');
  });

  it('CSV: UTF-8 with a BOM, a section per table (its name, heading and items), an attachment with a filename', async () => {
    const res = await download('/reports/quality-report?year=2022&asOf=2023-06-20&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="quality-report-${stack.institution}-2022.csv"; filename*=UTF-8''${encodeURIComponent(`质量年报-${stack.institution}-2022.csv`)}`,
    );
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.body.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const cover = [
      ['质量年报 / Annual quality report'],
      ['项目', 'Item', '数值 / Value'],
      ['学校', 'Institution', stack.institution],
      ['年度', 'Year', '2022'],
      ['统计截止日期', 'Figures as of', '2023-06-20'],
      ['数据更新至', 'Newest event applied', '2023-06-19T08:00:00.000Z'],
      [''],
    ];
    const expected = cover.concat(
      EXPECTED.flatMap((t, i) => [
        ...(i > 0 ? [['']] : []),
        [`${t.table} / ${t.tableEn}`],
        t.heading,
        ...t.rows.map(([item, itemEn, ...rest]) => [
          item as string,
          itemEn as string,
          ...(MONEY_TEXT[item as string] !== undefined ? [MONEY_TEXT[item as string]!] : rest.map(String)),
        ]),
      ]),
    );
    // Blank rows between sections: csv-parse gives them as one empty field.
    expect(parse(text.slice(1), { relax_column_count: true, skip_empty_lines: false })).toEqual(expected);
  });

  it('XLSX: a sheet per table named in Chinese, heading row frozen and bold, every cell its value, type and format', async () => {
    const res = await download('/reports/quality-report?year=2022&asOf=2023-06-20&format=xlsx');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="quality-report-${stack.institution}-2022.xlsx"; filename*=UTF-8''${encodeURIComponent(`质量年报-${stack.institution}-2022.xlsx`)}`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['封面', ...EXPECTED.map((t) => t.table)]);
    const cover = wb.worksheets[0]!;
    expect(cover.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
    expect(
      cover
        .getSheetValues()
        .slice(1)
        .map((r) => (r as unknown[]).slice(1)),
    ).toEqual([
      ['项目', 'Item', '数值 / Value'],
      ['学校', 'Institution', stack.institution],
      ['年度', 'Year', 2022],
      ['统计截止日期', 'Figures as of', '2023-06-20'],
      ['数据更新至', 'Newest event applied', '2023-06-19T08:00:00.000Z'],
    ]);
    for (const [n, t] of EXPECTED.entries()) {
      const sheet = wb.worksheets[n + 1]!;
      expect(sheet.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
      expect(sheet.rowCount).toBe(1 + t.rows.length);
      expect(sheet.getRow(1).font).toMatchObject({ bold: true });
      const rows = [t.heading, ...t.rows];
      for (const [r, expectedRow] of rows.entries()) {
        const row = sheet.getRow(r + 1);
        expect(row.cellCount).toBe(expectedRow.length);
        for (const [c, expectedValue] of expectedRow.entries()) {
          const cell = row.getCell(c + 1);
          const where = `${sheet.name}!${cell.address}`;
          expect({ where, value: cell.value }).toEqual({ where, value: expectedValue });
          if (typeof expectedValue === 'string') {
            expect({ where, type: cell.type }).toEqual({ where, type: ExcelJS.ValueType.String });
            // Nothing a spreadsheet would run as a formula.
            expect(expectedValue).not.toMatch(/^[=+\-@\t\r]/);
            continue;
          }
          expect({ where, type: cell.type }).toEqual({ where, type: ExcelJS.ValueType.Number });
          // The value column: a rate as a percentage, CNY with two decimals, a count in thousands; its terms as they are.
          const numFmt =
            c !== 2 ? undefined : t.heading === RATE_HEADING ? '0.00%' : MONEY_TEXT[t.rows[r - 1]![0] as string] ? '#,##0.00' : '#,##0';
          expect({ where, numFmt: cell.numFmt }).toEqual({ where, numFmt });
        }
      }
    }
  });

  it('400 naming the field: a format it does not write, a year that is none, no year', async () => {
    for (const [query, field] of [
      ['year=2022&format=pdf', 'format'],
      ['year=2022&format=XLSX', 'format'],
      ['year=20x2', 'year'],
      ['year=1800', 'year'],
      ['', 'year'],
      ['year=2022&asOf=2022-02-30', 'asOf'],
    ] as const) {
      const res = await stack.reporting.get(`/reports/quality-report?${query}`);
      expect({ query, status: res.status, error: res.body.error }).toEqual({ query, status: 400, error: 'validation_failed' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const wrong = await stack.reporting.get('/reports/quality-report?year=2022&format=pdf');
    expect(wrong.body.errors).toEqual([
      {
        field: 'format',
        message: 'format 须为 json、csv 或 xlsx / format must be json, csv or xlsx',
        message_zh: 'format 须为 json、csv 或 xlsx',
      },
    ]);
  });

  it('another institution than the key’s: 403, as every report', async () => {
    expect((await stack.reporting.get('/reports/quality-report?year=2022&institution=OTHER')).status).toBe(403);
  });
});
