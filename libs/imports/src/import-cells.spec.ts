import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { PROGRAM_LEVEL_LABELS, SECTOR_LABELS } from '@chanjiao/contracts';
import { closestTitle, isHeaderOf, matchHeader, titleClash, titleKey } from './import-header';
import { coerceCell, col, enumCol, ImportSpec, isoDateOf } from './import-spec';
import { templateRows, templateXlsx } from './import-template';
import { LegacyWorkbookError, readRows } from './row-reader';

const spec = {
  entity: 'programs',
  idColumn: 'code',
  dto: Object,
  write: () => Promise.resolve([]),
  columns: [
    col('code', ['专业代码', '專業代碼'], 'string', '460103'),
    col('name', ['专业名称', '專業名稱'], 'string', '石油化工技术'),
    enumCol('level', ['层次', '層次'], PROGRAM_LEVEL_LABELS, 'higher_vocational'),
    enumCol('sectors', ['面向产业', '面向產業'], SECTOR_LABELS, 'chemical_materials;green_energy', true, 'list'),
    col('openedOn', ['开设日期', '開設日期'], 'date', '2022-09-01', false),
    col('apprenticeship', ['是否现代学徒制', '是否現代學徒制'], 'boolean', 'false', false),
  ],
} satisfies ImportSpec;

const collect = async (rows: AsyncGenerator<unknown[]>) => {
  const out: unknown[][] = [];
  for await (const r of rows) out.push(r);
  return out;
};

describe('cells as Excel and WPS write them', () => {
  it.each([
    ['2022/9/1', '2022-09-01'],
    ['2022-9-1', '2022-09-01'],
    ['2022.09.01', '2022-09-01'],
    ['2022年9月1日', '2022-09-01'],
    ['２０２２年９月１日', '2022-09-01'],
    ['2022/9/1 0:00:00', '2022-09-01'],
    ['20220901', '2022-09-01'],
    ['44805', '2022-09-01'],
    ['2022-02-30', '2022-02-30'], // left for validation to refuse, naming the field
    ['下周一', '下周一'],
  ])('reads the date %s as %s', (text, iso) => expect(isoDateOf(text)).toBe(iso));

  it('reads serial dates, Date cells, labels in both scripts and yes/no in Chinese', () => {
    expect(coerceCell('date', 44805)).toBe('2022-09-01');
    expect(coerceCell('date', 44805.75)).toBe('2022-09-01');
    expect(coerceCell('date', new Date(Date.UTC(2022, 8, 1)))).toBe('2022-09-01');
    expect(coerceCell('string', '高职', PROGRAM_LEVEL_LABELS)).toBe('higher_vocational');
    expect(coerceCell('string', ' 高職 ', PROGRAM_LEVEL_LABELS)).toBe('higher_vocational');
    expect(coerceCell('string', 'higher_vocational', PROGRAM_LEVEL_LABELS)).toBe('higher_vocational');
    expect(coerceCell('string', '高级', PROGRAM_LEVEL_LABELS)).toBe('高级');
    expect(coerceCell('list', '化工材料、綠色能源;textiles', SECTOR_LABELS)).toEqual(['chemical_materials', 'green_energy', 'textiles']);
    expect(coerceCell('boolean', '是')).toBe(true);
    expect(coerceCell('boolean', '否')).toBe(false);
    expect(coerceCell('boolean', 'Y')).toBe(true);
    expect(coerceCell('boolean', '√')).toBe(true);
    expect(coerceCell('boolean', '也许')).toBe('也许');
    expect(coerceCell('integer', '２０２２')).toBe(2022);
  });
});

describe('header titles', () => {
  it('takes field names and the Chinese titles in Simplified and Traditional, with a star or a note in brackets', () => {
    const m = matchHeader(spec, ['专业代码*', '專業名稱', 'level', '面向产业（可多选）', ' 开设日期 ', '错误原因 / error reason']);
    expect(m).toEqual({
      fields: ['code', 'name', 'level', 'sectors', 'openedOn', null],
      titles: ['专业代码*', '專業名稱', 'level', '面向产业（可多选）', ' 开设日期 ', '错误原因 / error reason'],
    });
    expect(titleKey('入学年份（YYYY）')).toBe('入学年份');
  });

  it('names an unknown title with the closest known one, in its script, and missing and repeated columns by title', () => {
    const problems = matchHeader(spec, ['专业代码', '专业名', '层级', 'sector', '專業代碼']);
    expect(problems).toEqual([
      { zh: '未知的列「专业名」，是否应为「专业名称」（name）？', en: 'unknown column "专业名"; did you mean "专业名称" (name)?' },
      { zh: expect.stringContaining('「层级」，是否应为「层次」（level）'), en: expect.stringContaining('did you mean "层次" (level)') },
      { zh: expect.stringContaining('「sector」'), en: 'unknown column "sector"; did you mean "sectors" (sectors)?' },
      { zh: expect.stringContaining('缺少必填列：「专业名称」（name）'), en: 'missing columns: name, level, sectors' },
      { zh: '列重复：「专业代码」（code）', en: 'repeated columns: code' },
    ]);
    expect(closestTitle(spec, '層级')?.title).toBe('層次');
  });

  it('knows its own header row among sheets (to pass over an instructions sheet)', () => {
    expect(isHeaderOf(spec, ['專業代碼', '專業名稱', '層次', '面向產業'])).toBe(true);
    expect(isHeaderOf(spec, ['说明 / Notes', ''])).toBe(false);
  });
});

describe('files as Excel and WPS save them', () => {
  it('refuses an .xls or .et (an OLE2 file) saying to save it as .xlsx, whatever it is called', async () => {
    const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    for (const format of ['csv', 'xlsx'] as const) {
      const read = collect(readRows(Readable.from([ole2]), format));
      await expect(read).rejects.toBeInstanceOf(LegacyWorkbookError);
      await expect(collect(readRows(Readable.from([ole2]), format))).rejects.toThrow(/另存为.*\.xlsx.*save it as \.xlsx/);
    }
  });

  it('reads Excel "Unicode text": UTF-16LE with a BOM, tab-separated, and the same big-endian', async () => {
    const text = '专业代码\t专业名称\t面向产业\r\n460103\t"石油化工, 技术"\t化工材料、绿色能源\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    expect(await collect(readRows(Readable.from([le]), 'csv'))).toEqual([
      ['专业代码', '专业名称', '面向产业'],
      ['460103', '石油化工, 技术', '化工材料、绿色能源'],
    ]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]);
    expect(await collect(readRows(Readable.from([be]), 'csv'))).toHaveLength(2);
    // A GB18030 tab-separated text file too.
    expect(await collect(readRows(Readable.from([iconv.encode(text, 'gb18030')]), 'csv'))).toHaveLength(2);
  });

  const workbook = async (sheets: Array<[string, unknown[][], boolean?]>) => {
    const wb = new ExcelJS.Workbook();
    for (const [name, rows, hidden] of sheets) {
      const s = wb.addWorksheet(name, hidden ? { state: 'hidden' } : {});
      rows.forEach((r) => s.addRow(r));
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  };

  it('reads the first sheet whose header is the entity’s, or the sheet named; an XLSX sent as CSV is still read', async () => {
    const file = await workbook([
      ['说明', [['说明 / Notes'], ['1', '填写第二个工作表']]],
      ['选项', [['专业代码', '专业名称', '层次', '面向产业']], true],
      [
        '专业',
        [
          ['专业代码', '专业名称', '层次', '面向产业'],
          ['460103', '石油化工技术', '高职', '化工材料'],
        ],
      ],
      [
        '其他',
        [
          ['code', 'name', 'level', 'sectors'],
          ['X', 'Y', 'secondary', 'mining'],
        ],
      ],
    ]);
    const choice = { isHeader: (cells: unknown[]) => isHeaderOf(spec, cells) };
    expect(await collect(readRows(Readable.from([file]), 'xlsx', undefined, undefined, choice))).toEqual([
      ['专业代码', '专业名称', '层次', '面向产业'],
      ['460103', '石油化工技术', '高职', '化工材料'],
    ]);
    expect(await collect(readRows(Readable.from([file]), 'csv', undefined, undefined, { ...choice, sheet: '其他' }))).toEqual([
      ['code', 'name', 'level', 'sectors'],
      ['X', 'Y', 'secondary', 'mining'],
    ]);
    await expect(collect(readRows(Readable.from([file]), 'xlsx', undefined, undefined, { sheet: 'Sheet1' }))).rejects.toThrow(
      /没有名为「Sheet1」的工作表（有：说明、选项、专业、其他）/,
    );
    // No sheet is the entity's: the first one's header, for the header check to say what is wrong.
    const none = await workbook([['说明', [['说明 / Notes'], ['1']]]]);
    expect(await collect(readRows(Readable.from([none]), 'xlsx', undefined, undefined, choice))).toEqual([['说明 / Notes']]);
  });
});

describe('templates', () => {
  it('gives Chinese titles and labels (Simplified or Traditional), or field names and codes', () => {
    expect(templateRows(spec, 'zh')).toEqual([
      ['专业代码', '专业名称', '层次', '面向产业', '开设日期', '是否现代学徒制'],
      ['460103', '石油化工技术', '高职专科', '化工材料、绿色能源', '2022-09-01', '否'],
    ]);
    expect(templateRows(spec, 'zh-Hant')[1]).toEqual(['460103', '石油化工技术', '高職專科', '化工材料、綠色能源', '2022-09-01', '否']);
    expect(templateRows(spec, 'en')[0]).toEqual(['code', 'name', 'level', 'sectors', 'openedOn', 'apprenticeship']);
  });

  it('writes the data sheet first with a drop-down on every enum column, then instructions and the hidden choices', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await templateXlsx(spec, 'zh')) as never);
    expect(wb.worksheets.map((s) => [s.name, s.state])).toEqual([
      ['数据', 'visible'],
      ['填写说明', 'visible'],
      ['选项', 'hidden'],
    ]);
    const data = wb.worksheets[0]!;
    expect(data.getCell('C2').dataValidation).toMatchObject({ type: 'list', formulae: ["'选项'!$A$2:$A$4"] });
    expect(data.getCell('D500').dataValidation).toMatchObject({ type: 'list', formulae: ["'选项'!$B$2:$B$9"] });
    expect(data.getCell('A2').dataValidation).toBeUndefined();
    expect(wb.worksheets[2]!.getColumn(1).values.slice(1)).toEqual(['层次', '中职', '高职专科', '职业本科']);
    const notes = wb.worksheets[1]!.getColumn(1).values.slice(1);
    expect(notes).toContain('层次');
  });
});

describe('titleClash', () => {
  it('finds two columns known by one title', () => {
    expect(titleClash(spec)).toBeNull();
    const clashing = { ...spec, columns: [...spec.columns, col('cluster', ['专业名称', '专业群'], 'string', '')] };
    expect(titleClash(clashing)).toBe('import programs: columns name and cluster are both titled "专业名称"');
  });
});
