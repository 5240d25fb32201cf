import { sheetNameProblem } from '@chanjiao/imports';
import { qualityReportCsvRows, qualityReportDisposition, qualityReportSheets } from './quality-report.files';
import type { QualityReportView } from './quality-report.dto';
import { QualityFigures, qualityReportTables } from './quality-report.tables';

/** The seed's 2022 figures (scripts/demo/expected.ts) and its 2021 training-base investment. */
const FIGURES: QualityFigures = {
  graduates: {
    cohort: 2022,
    total: 3292,
    placed: 3185,
    notPlaced: 107,
    placement: { numerator: 3185, denominator: 3292, rate: 0.9675 },
    localEmployed: 1759,
  },
  entrepreneurs: 33,
  internships: { students: 6558, localStudents: 1724 },
  partnerships: {
    enterprises: 453,
    schoolEnterpriseSigned: 148,
    governmentSchool: 10,
    university: 3,
    certificatePilots: 23,
    certificatePilotEnterprises: 23,
    industryColleges: 4,
    orderClasses: { programs: 7, students: 120 },
  },
  alliances: { total: 7, led: 5, members: 300, forumParticipants: 40 },
  investment: {
    total: '403000000.00',
    bySource: [
      { source: 'central_government', amount: '300000000.00' },
      { source: 'regional_government', amount: '100000000.00' },
      { source: 'school', amount: '2999999.99' },
      { source: 'enterprise', amount: '0.01' },
      { source: 'other', amount: '0.00' },
    ],
  },
};

describe('qualityReportTables (the annual quality report from the figures)', () => {
  const tables = qualityReportTables(FIGURES);

  it('gives the service contribution table first, then the score card, teaching resources and policy, and 产教融合', () => {
    expect(tables.map((t) => [t.table, t.tableEn])).toEqual([
      ['服务贡献表', 'Service contribution'],
      ['计分卡', 'Score card'],
      ['教学资源与落实政策表', 'Teaching resources and policy'],
      ['产教融合', 'Industry–education integration'],
    ]);
  });

  it('names every item as the report does, with its English name and the figure it is', () => {
    expect(tables.map((t) => t.items)).toEqual([
      [
        { item: '毕业生人数', itemEn: 'Graduates', value: 3292 },
        { item: '其中：就业人数', itemEn: 'Of whom employed (placed)', value: 3185 },
        { item: '毕业生就业去向 A 类：留在当地就业人数', itemEn: 'Destination A: employed locally', value: 1759 },
      ],
      [
        { item: '毕业去向落实率', itemEn: 'Placement rate', value: { numerator: 3185, denominator: 3292, rate: 0.9675 } },
        { item: '自主创业比例', itemEn: 'Entrepreneurship share', value: { numerator: 33, denominator: 3292, rate: 0.01 } },
      ],
      [
        { item: '实训基地建设投入（元）', itemEn: 'Training-base investment (CNY)', value: '403000000.00' },
        { item: '其中：中央财政投入（元）', itemEn: 'Of which central government (CNY)', value: '300000000.00' },
        { item: '其中：地方财政投入（元）', itemEn: 'Of which regional government (CNY)', value: '100000000.00' },
        { item: '其中：学校自筹（元）', itemEn: 'Of which the school (CNY)', value: '2999999.99' },
        { item: '其中：企业投入（元）', itemEn: 'Of which enterprises (CNY)', value: '0.01' },
        { item: '其中：其他来源（元）', itemEn: 'Of which other sources (CNY)', value: '0.00' },
      ],
      [
        { item: '合作企业数', itemEn: 'Partner enterprises', value: 453 },
        { item: '校企合作协议签订数', itemEn: 'School–enterprise agreements signed', value: 148 },
        { item: '政校合作协议签订数', itemEn: 'Government–school agreements signed', value: 10 },
        { item: '校校合作协议签订数', itemEn: 'School–university agreements signed', value: 3 },
        { item: '订单班专业数', itemEn: 'Programs with order classes', value: 7 },
        { item: '订单班学生数', itemEn: 'Order-class students', value: 120 },
        { item: '1+X 证书试点数', itemEn: '1+X certificate pilots', value: 23 },
        { item: '1+X 证书试点合作企业数', itemEn: '1+X pilot partner enterprises', value: 23 },
        { item: '产业学院数', itemEn: 'Industry colleges', value: 4 },
        { item: '参与职教集团（联盟）数', itemEn: 'Alliances joined', value: 7 },
        { item: '牵头组建职教集团（联盟）数', itemEn: 'Alliances led', value: 5 },
        { item: '实习学生数', itemEn: 'Students on internships', value: 6558 },
        { item: '其中：本地实习学生数', itemEn: 'Of whom interning locally', value: 1724 },
      ],
    ]);
  });

  it('leaves out what the system does not hold instead of writing zeros', () => {
    const names = tables.flatMap((t) => t.items.map((i) => i.item)).join('|');
    for (const absent of ['全日制在校生人数', 'B 类', 'C 类', 'D 类', '到款额', '月收入', '满意度', '专业相关度'])
      expect(names).not.toContain(absent);
  });

  it('gives a rate of nothing as 0 over 0, with no graduates', () => {
    const none = qualityReportTables(
      Object.assign({}, FIGURES, {
        graduates: {
          cohort: 2030,
          total: 0,
          placed: 0,
          notPlaced: 0,
          placement: { numerator: 0, denominator: 0, rate: 0 },
          localEmployed: 0,
        },
        entrepreneurs: 0,
      }),
    );
    expect(none[1]!.items.map((i) => i.value)).toEqual([
      { numerator: 0, denominator: 0, rate: 0 },
      { numerator: 0, denominator: 0, rate: 0 },
    ]);
  });
});

describe('the quality report as files', () => {
  const view: QualityReportView = {
    institution: 'BZVTC',
    year: 2022,
    date: '2023-06-20',
    asOf: null,
    tables: qualityReportTables(FIGURES),
  };

  it('a sheet per table, named in Chinese as Excel allows, its heading row frozen', () => {
    const [cover, ...sheets] = qualityReportSheets(view);
    expect(cover).toEqual({
      name: '封面',
      frozenRows: 1,
      rows: [
        ['项目', 'Item', '数值 / Value'],
        ['学校', 'Institution', view.institution],
        ['年度', 'Year', 2022],
        ['统计截止日期', 'Figures as of', '2023-06-20'],
        ['数据更新至', 'Newest event applied', '—'],
      ],
    });
    expect(sheets.map((s) => s.name)).toEqual(['服务贡献表', '计分卡', '教学资源与落实政策表', '产教融合']);
    for (const s of sheets) {
      expect(sheetNameProblem(s.name)).toBeNull();
      expect(s.frozenRows).toBe(1);
    }
    expect(sheets[1]!.rows).toEqual([
      ['项目', 'Item', '数值 / Value', '分子 / Numerator', '分母 / Denominator'],
      ['毕业去向落实率', 'Placement rate', { value: 0.9675, numFmt: '0.00%' }, 3185, 3292],
      ['自主创业比例', 'Entrepreneurship share', { value: 0.01, numFmt: '0.00%' }, 33, 3292],
    ]);
    expect(sheets[0]!.rows[0]).toEqual(['项目', 'Item', '数值 / Value']);
    expect(sheets[0]!.rows[1]).toEqual(['毕业生人数', 'Graduates', { value: 3292, numFmt: '#,##0' }]);
    expect(sheets[2]!.rows[1]).toEqual([
      '实训基地建设投入（元）',
      'Training-base investment (CNY)',
      { value: 403000000, numFmt: '#,##0.00', text: '403000000.00' },
    ]);
  });

  it('a CSV cover, then a section per table: a row naming it, its heading and items, a blank row between', () => {
    const all = qualityReportCsvRows(view);
    expect(all.slice(0, 7)).toEqual([
      ['质量年报 / Annual quality report'],
      ['项目', 'Item', '数值 / Value'],
      ['学校', 'Institution', view.institution],
      ['年度', 'Year', 2022],
      ['统计截止日期', 'Figures as of', '2023-06-20'],
      ['数据更新至', 'Newest event applied', '—'],
      [],
    ]);
    const rows = all.slice(7);
    const sections = rows.filter((r) => r.length === 1).map((r) => r[0]);
    expect(sections).toEqual([
      '服务贡献表 / Service contribution',
      '计分卡 / Score card',
      '教学资源与落实政策表 / Teaching resources and policy',
      '产教融合 / Industry–education integration',
    ]);
    expect(rows.slice(0, 7)).toEqual([
      ['服务贡献表 / Service contribution'],
      ['项目', 'Item', '数值 / Value'],
      ['毕业生人数', 'Graduates', { value: 3292, numFmt: '#,##0' }],
      ['其中：就业人数', 'Of whom employed (placed)', { value: 3185, numFmt: '#,##0' }],
      ['毕业生就业去向 A 类：留在当地就业人数', 'Destination A: employed locally', { value: 1759, numFmt: '#,##0' }],
      [],
      ['计分卡 / Score card'],
    ]);
    expect(rows.length).toBe(4 + 3 + 4 * 1 + 3 + 2 + 6 + 13);
  });

  it('names the download in ASCII and, for clients that read it, in Chinese', () => {
    expect(qualityReportDisposition('BZVTC', 2022, 'xlsx')).toBe(
      `attachment; filename="quality-report-BZVTC-2022.xlsx"; filename*=UTF-8''%E8%B4%A8%E9%87%8F%E5%B9%B4%E6%8A%A5-BZVTC-2022.xlsx`,
    );
  });
});
