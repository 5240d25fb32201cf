import { fromSpreadsheetCell, needsFormulaEscape, spreadsheetCell } from './spreadsheet-text';

describe('spreadsheetCell (formula escaping of every CSV and XLSX cell written)', () => {
  it.each(['=HYPERLINK("http://evil.example","click")', '+1+2', '-2+3', '@SUM(A1)', '\tx', '\r=1', '=1'])('escapes %j', (v) => {
    expect(spreadsheetCell(v)).toBe(`'${v}`);
  });

  it('leaves numbers, text that is a number, and ordinary text as they are', () => {
    for (const v of [5, -5, 2.5, '-5', '+3.2', '-0.5', '1e5', '460103', '石油化工技术', '', 'a=b', "it's"])
      expect(spreadsheetCell(v)).toBe(v);
    expect(spreadsheetCell(null)).toBeNull();
    expect(spreadsheetCell(true)).toBe(true);
  });

  it('round-trips through an import: the apostrophe written is the one taken off, even for text already starting with one', () => {
    for (const v of ['=1+2', "'=1+2", "''@x", "'plain", '-5', 'plain', '-', '=', "'"]) {
      expect(fromSpreadsheetCell(String(spreadsheetCell(v)))).toBe(v);
    }
    expect(needsFormulaEscape("'=1")).toBe(true);
    expect(needsFormulaEscape("'plain")).toBe(false);
  });
});
