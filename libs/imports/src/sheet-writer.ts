import ExcelJS from 'exceljs';
import { spreadsheetCell } from './spreadsheet-text';

/**
 * The one way the system writes a spreadsheet (templates, error reports): every cell through {@link spreadsheetCell},
 * so text a spreadsheet would run as a formula is written behind an apostrophe, numbers as numbers.
 */
export type SheetValue = string | number | boolean | null | undefined;

/** A UTF-8 CSV with a BOM (so Excel opens it as UTF-8) and CRLF line ends. */
export function csvOf(rows: SheetValue[][]): string {
  const quote = (v: SheetValue) => {
    const text = v === null || v === undefined ? '' : String(spreadsheetCell(v));
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** An XLSX of one sheet, its first row bold; `textColumns` keeps codes such as "46" or "652801" as text in Excel. */
export async function xlsxOf(sheetName: string, rows: SheetValue[][], opts: { textColumns?: boolean } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(sheetName);
  rows.forEach((r, i) => {
    const row = sheet.addRow(r.map((v) => (v === null || v === undefined ? null : spreadsheetCell(v))));
    if (i === 0) row.font = { bold: true };
  });
  if (opts.textColumns) (rows[0] ?? []).forEach((_, i) => (sheet.getColumn(i + 1).numFmt = '@'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
