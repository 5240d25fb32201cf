import ExcelJS from 'exceljs';
import { spreadsheetCell } from './spreadsheet-text';

/**
 * The one way the system writes a spreadsheet (templates, error reports, report downloads): every cell through
 * {@link spreadsheetCell}, so text a spreadsheet would run as a formula is written behind an apostrophe, numbers as numbers.
 */
export type SheetValue = string | number | boolean | null | undefined;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A number an XLSX shows in a format of its own (a rate as a percentage, money with two decimals); a CSV writes the number. */
export interface FormattedNumber {
  value: number;
  /** An Excel number format, e.g. `0.00%` or `#,##0.00`. */
  numFmt: string;
  /** What a CSV writes instead of the number (money exact to the cent: "403000000.00"). */
  text?: string;
}
export type SheetCell = SheetValue | FormattedNumber;

/** One sheet of a workbook. */
export interface Sheet {
  /** At most 31 characters, none of `[]:*?/\` (Excel's rules; {@link workbookOf} refuses others). */
  name: string;
  rows: SheetCell[][];
  /** Rows kept in view while scrolling (the heading row: 1). */
  frozenRows?: number;
  /** Every column formatted as text, so codes such as "46" or "652801" stay text in Excel. */
  textColumns?: boolean;
  /** Drop-down lists: the cells of `range` (A1 style, e.g. `E2:E1048576`) take the values of `source` (`'选项'!$A$2:$A$4`). */
  lists?: Array<{ range: string; source: string; strict: boolean }>;
  /** Column widths, in characters. */
  widths?: number[];
  /** Kept from view (a sheet of drop-down values). */
  hidden?: boolean;
}

/** exceljs keeps a sheet's validations by range; its types do not show it. */
type WithValidations = { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } };

const isFormatted = (c: SheetCell): c is FormattedNumber => typeof c === 'object' && c !== null;

/** Why Excel would refuse `name` as a sheet name, or null. */
export function sheetNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > 31) return `a sheet name has 1 to 31 characters: ${name}`;
  if (/[[\]:*?/\\]/.test(name)) return `a sheet name holds none of []:*?/\\: ${name}`;
  if (name.startsWith("'") || name.endsWith("'")) return `a sheet name neither starts nor ends with an apostrophe: ${name}`;
  return null;
}

/** The byte order mark a CSV of ours begins with, so Excel opens it as UTF-8. */
export const CSV_BOM = '\uFEFF';

/** One CSV line (CRLF-ended) of the cells, escaped as {@link csvOf} escapes them: for files written a page at a time. */
export function csvLine(row: SheetCell[]): string {
  const quote = (c: SheetCell) => {
    const v = isFormatted(c) ? (c.text ?? c.value) : c;
    const text = v === null || v === undefined ? '' : String(spreadsheetCell(v));
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${row.map(quote).join(',')}\r\n`;
}

/** A UTF-8 CSV with a BOM (so Excel opens it as UTF-8) and CRLF line ends. */
export function csvOf(rows: SheetCell[][]): string {
  return `${CSV_BOM}${rows.map(csvLine).join('')}`;
}

/** An XLSX of the sheets, in order, each with its first row bold. */
export async function workbookOf(sheets: Sheet[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const problem = sheetNameProblem(s.name);
    if (problem) throw new Error(problem);
    const sheet = wb.addWorksheet(
      s.name,
      Object.assign(
        {},
        s.frozenRows ? { views: [{ state: 'frozen', ySplit: s.frozenRows }] } : {},
        s.hidden ? { state: 'hidden' } : {},
      ) as Partial<ExcelJS.AddWorksheetOptions>,
    );
    s.rows.forEach((r, i) => {
      const row = sheet.addRow(r.map((c) => (c === null || c === undefined ? null : spreadsheetCell(isFormatted(c) ? c.value : c))));
      r.forEach((c, j) => {
        if (isFormatted(c)) row.getCell(j + 1).numFmt = c.numFmt;
      });
      if (i === 0) row.font = { bold: true };
    });
    if (s.textColumns) (s.rows[0] ?? []).forEach((_, i) => (sheet.getColumn(i + 1).numFmt = '@'));
    s.widths?.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
    for (const l of s.lists ?? []) {
      // Not strict (a list of several values, such as 化工材料、绿色能源): Excel takes other text after a note.
      (sheet as unknown as WithValidations).dataValidations.add(l.range, {
        type: 'list',
        allowBlank: true,
        formulae: [l.source],
        showErrorMessage: true,
        errorStyle: l.strict ? 'warning' : 'information',
        errorTitle: '不是可选的值 / not one of the choices',
        error: '请从下拉列表中选择 / choose from the drop-down list',
      });
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** An XLSX of one sheet, its first row bold; `textColumns` keeps codes such as "46" or "652801" as text in Excel. */
export function xlsxOf(sheetName: string, rows: SheetValue[][], opts: { textColumns?: boolean } = {}): Promise<Buffer> {
  return workbookOf([{ name: sheetName, rows, textColumns: opts.textColumns }]);
}
