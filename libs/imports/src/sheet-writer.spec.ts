import ExcelJS from 'exceljs';
import { csvOf, sheetNameProblem, workbookOf } from './sheet-writer';

describe('sheet-writer', () => {
  it('csvOf: a BOM, CRLF, quoting, formula-like text escaped, a formatted number as its text or number', () => {
    const csv = csvOf([
      ['a,b', 'say "hi"', '=1+2', -5],
      [{ value: 0.5, numFmt: '0.00%' }, { value: 12.5, numFmt: '#,##0.00', text: '12.50' }, null],
    ]);
    expect(csv).toBe('\uFEFF"a,b","say ""hi""",\'=1+2,-5\r\n0.5,12.50,\r\n');
  });

  it('workbookOf: sheets in order, first rows bold and frozen where asked, formats kept, numbers as numbers, formulas escaped', async () => {
    const buffer = await workbookOf([
      {
        name: '计分卡',
        rows: [
          ['项目', '数值'],
          ['比例', { value: 0.25, numFmt: '0.00%' }],
          ['@SUM(A1)', 3],
        ],
        frozenRows: 1,
      },
      { name: 'Other', rows: [['x']] },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['计分卡', 'Other']);
    const sheet = wb.worksheets[0]!;
    expect(sheet.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
    expect(sheet.getRow(1).font).toMatchObject({ bold: true });
    expect(sheet.getCell('B2').value).toBe(0.25);
    expect(sheet.getCell('B2').numFmt).toBe('0.00%');
    expect(sheet.getCell('A3').value).toBe("'@SUM(A1)");
    expect(sheet.getCell('B3').value).toBe(3);
    expect((wb.worksheets[1]!.views ?? []).filter((v) => v.state === 'frozen')).toEqual([]);
  });

  it('refuses a sheet name Excel would refuse', async () => {
    expect(sheetNameProblem('服务贡献表')).toBeNull();
    for (const bad of ['', 'x'.repeat(32), 'a/b', 'a[1]', 'a:b', 'a*', 'a?', 'a\\b', "'quoted'"])
      expect(sheetNameProblem(bad)).not.toBeNull();
    await expect(workbookOf([{ name: 'a/b', rows: [] }])).rejects.toThrow(/\[\]:\*\?\/\\/);
  });
});
