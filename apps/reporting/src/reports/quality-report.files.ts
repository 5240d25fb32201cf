import { csvOf, Sheet, SheetCell, workbookOf } from '@chanjiao/imports';
import type { QualityReportView, QualityTableView, QualityValue } from './quality-report.dto';

export const CSV_TYPE = 'text/csv; charset=utf-8';

const PERCENT = '0.00%';
const COUNT = '#,##0';
const MONEY = '#,##0.00';

const HEADING = ['项目', 'Item', '数值 / Value'];
const RATE_HEADING = ['分子 / Numerator', '分母 / Denominator'];

const isRate = (v: QualityValue): v is Exclude<QualityValue, number | string> => typeof v === 'object';

/** A table's heading and rows: a count as a number, CNY as a number with two decimals, a rate as a percentage beside its terms. */
function tableRows(t: QualityTableView): SheetCell[][] {
  const rates = t.items.some((i) => isRate(i.value));
  const rows: SheetCell[][] = [rates ? [...HEADING, ...RATE_HEADING] : HEADING];
  for (const { item, itemEn, value } of t.items) {
    if (isRate(value)) rows.push([item, itemEn, { value: value.rate, numFmt: PERCENT }, value.numerator, value.denominator]);
    else if (typeof value === 'string') rows.push([item, itemEn, { value: Number(value), numFmt: MONEY, text: value }]);
    else rows.push([item, itemEn, { value, numFmt: COUNT }]);
  }
  return rows;
}

/** Whose report it is and as of when: a file filed or forwarded must say so without its filename. */
export const COVER = { table: '封面', tableEn: 'Annual quality report' } as const;

function coverRows(view: QualityReportView): SheetCell[][] {
  return [
    HEADING,
    ['学校', 'Institution', view.institution],
    ['年度', 'Year', view.year],
    ['统计截止日期', 'Figures as of', view.date],
    ['数据更新至', 'Newest event applied', view.asOf ?? '—'],
  ];
}

/** A cover sheet, then one sheet per table, named as the report names the table, its heading row frozen. */
export function qualityReportSheets(view: QualityReportView): Sheet[] {
  return [
    { name: COVER.table, rows: coverRows(view), frozenRows: 1 },
    ...view.tables.map((t) => ({ name: t.table, rows: tableRows(t), frozenRows: 1 })),
  ];
}

/** The cover, then one section per table: a row naming it (Chinese / English), its heading and rows; blank rows between. */
export function qualityReportCsvRows(view: QualityReportView): SheetCell[][] {
  const sections = [{ title: `质量年报 / ${COVER.tableEn}`, rows: coverRows(view) }].concat(
    view.tables.map((t) => ({ title: `${t.table} / ${t.tableEn}`, rows: tableRows(t) })),
  );
  return sections.flatMap((s, i) => [...(i > 0 ? [[]] : []), [s.title], ...s.rows]);
}

export const qualityReportCsv = (view: QualityReportView): string => csvOf(qualityReportCsvRows(view));

export const qualityReportXlsx = (view: QualityReportView): Promise<Buffer> => workbookOf(qualityReportSheets(view));

/** The longest list of institution codes a filename names; a longer one is named by its first and how many more. */
const MAX_FILENAME_CODES = 64;

/**
 * Who a file is of, in its name: the institution's code; several joined with `_` (or `all` when the request asked for
 * all, or the first and how many more when the list is long). Letters, digits, `_` and `-` only, as codes are.
 */
export function qualityReportFileScope(institutions: readonly string[], all: boolean): string {
  if (all) return 'all';
  const joined = institutions.join('_');
  return joined.length <= MAX_FILENAME_CODES ? joined : `${institutions[0]}_and_${institutions.length - 1}_more`;
}

/**
 * `attachment` with an ASCII filename and the Chinese one (RFC 6266 `filename*`) for clients that read it; the
 * institution's code (letters, digits, `_` and `-` only; see {@link qualityReportFileScope}) is in both.
 */
export function qualityReportDisposition(scope: string, year: number, extension: 'csv' | 'xlsx'): string {
  const chinese = encodeURIComponent(`质量年报-${scope}-${year}.${extension}`);
  return `attachment; filename="quality-report-${scope}-${year}.${extension}"; filename*=UTF-8''${chinese}`;
}
