import { labelChoices, type Label, type Labels } from '@chanjiao/contracts';
import type { ColumnType, ImportColumn, ImportSpec } from './import-spec';
import { Sheet, SheetValue, workbookOf } from './sheet-writer';

/** The language of a template: English field names and codes, or Chinese titles and labels (Simplified or Traditional). */
export type TemplateLang = 'en' | 'zh' | 'zh-Hant';

export const TEMPLATE_LANGS: readonly TemplateLang[] = ['en', 'zh', 'zh-Hant'];

/** `lang` as a client may write it (zh-CN, zh_Hans, zh-TW…), or undefined for one the templates do not have. */
export function templateLangOf(lang: string): TemplateLang | undefined {
  const l = lang.toLowerCase().replace('_', '-');
  if (l === 'en' || l.startsWith('en-')) return 'en';
  if (['zh-hant', 'zh-tw', 'zh-hk', 'zh-mo'].includes(l)) return 'zh-Hant';
  if (l === 'zh' || l.startsWith('zh-')) return 'zh';
  return undefined;
}

const labelIn = (label: Label, lang: TemplateLang) => (lang === 'zh-Hant' ? (label.zhHant ?? label.zh) : label.zh);

/** The column's title in the template's language. */
export function titleIn(c: ImportColumn, lang: TemplateLang): string {
  if (lang === 'en') return c.name;
  return lang === 'zh-Hant' ? (c.title.zhHant ?? c.title.zh) : c.title.zh;
}

/** The example cell in the template's language: an enum's label, 是/否 for yes/no. */
function exampleIn(c: ImportColumn, lang: TemplateLang): string {
  if (lang === 'en' || c.example === '') return c.example;
  if (c.labels) {
    const labels = c.labels;
    const one = (code: string) => (labels[code] ? labelIn(labels[code], lang) : code);
    return c.type === 'list' ? c.example.split(';').map(one).join('、') : one(c.example);
  }
  if (c.type === 'boolean') return c.example === 'true' ? '是' : '否';
  return c.example;
}

/** The header row and the example row. */
export function templateRows(spec: ImportSpec, lang: TemplateLang): SheetValue[][] {
  return [spec.columns.map((c) => titleIn(c, lang)), spec.columns.map((c) => exampleIn(c, lang))];
}

const TYPE_ZH: Record<ColumnType, string> = {
  string: '文本',
  integer: '整数',
  boolean: '是 / 否',
  list: '多项，用 ; 或 、 分隔',
  decimal: '金额（元），最多两位小数',
  date: '日期：2022-09-01、2022/9/1 或 2022年9月1日',
};

const TYPE_EN: Record<ColumnType, string> = {
  string: 'text',
  integer: 'whole number',
  boolean: 'yes / no (是 / 否)',
  list: 'several values, separated by ; or 、',
  decimal: 'CNY amount, at most two decimals',
  date: 'date: 2022-09-01, 2022/9/1 or 2022年9月1日',
};

const choicesEn = (labels: Labels<string>) =>
  Object.entries(labels)
    .map(([code, l]) => `${code} (${l.en})`)
    .join(', ');

/** The instructions sheet: how to fill the data sheet, then each column: title, field, required, kind, choices. */
function instructions(spec: ImportSpec, lang: TemplateLang): SheetValue[][] {
  return [
    ['说明 / Notes', ''],
    [
      '1',
      '在第一个工作表中填写，每行一条；第 1 行是表头，请勿改动。第 2 行是示例，导入前请改写或删除。 / Fill the first sheet, one row each; keep row 1 (the header). Row 2 is an example: change or delete it.',
    ],
    [
      '2',
      '表头可写中文列名（简体或繁体）或英文字段名。 / Headers may be the Chinese titles (Simplified or Traditional) or the English field names.',
    ],
    [
      '3',
      '选项列可填中文名称（简体或繁体）或英文代码，可从下拉列表选择。 / Choice columns take the Chinese label or the English code; pick from the drop-down.',
    ],
    [
      '4',
      '日期可写 2022-09-01、2022/9/1 或 2022年9月1日，或设为日期格式；是否列填“是”或“否”。 / Dates as 2022-09-01, 2022/9/1, 2022年9月1日 or a date cell; yes/no columns take 是 or 否.',
    ],
    ['5', '另存时请选择 Excel 工作簿（.xlsx）或 CSV UTF-8；不支持 .xls 和 .et。 / Save as .xlsx or CSV UTF-8; .xls and .et are not read.'],
    [],
    ['列名 / Column', '字段 / Field', '必填 / Required', '格式 / Kind', '可填的值 / Choices'],
    ...spec.columns.map((c) => [
      lang === 'en' ? `${c.title.zh}` : titleIn(c, lang),
      c.name,
      c.required ? '是 / yes' : '否 / no',
      `${TYPE_ZH[c.type]} / ${TYPE_EN[c.type]}`,
      c.labels ? `${labelChoices(c.labels)} / ${choicesEn(c.labels)}` : '',
    ]),
  ];
}

/**
 * Data rows a drop-down list covers. Excel takes a whole column at no cost, but exceljs (and tools built on it) expands a
 * validated range cell by cell when it loads a workbook: a million rows took a minute to open.
 */
export const LIST_ROWS = 10_000;

/** Letters of a 1-based column number (1 → A, 27 → AA). */
export function columnLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/**
 * The XLSX template: the data sheet first (titles, an example row, a drop-down list on every enum column), then the
 * instructions, then the hidden sheet of the drop-down values.
 */
export function templateXlsx(spec: ImportSpec, lang: TemplateLang): Promise<Buffer> {
  const en = lang === 'en';
  const optionsName = en ? 'options' : '选项';
  const enumColumns = spec.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.labels);
  const longest = Math.max(0, ...enumColumns.map(({ c }) => Object.keys(c.labels!).length));
  const options: SheetValue[][] = [
    enumColumns.map(({ c }) => titleIn(c, lang)),
    ...Array.from({ length: longest }, (_, r) =>
      enumColumns.map(({ c }) => {
        const code = Object.keys(c.labels!)[r];
        return code === undefined ? null : en ? code : labelIn(c.labels![code]!, lang);
      }),
    ),
  ];
  const sheets: Sheet[] = [
    {
      name: en ? spec.entity.slice(0, 31) : '数据',
      rows: templateRows(spec, lang),
      frozenRows: 1,
      textColumns: true,
      widths: spec.columns.map((c) => Math.max(12, titleIn(c, lang).length * 2 + 4)),
      lists: enumColumns.map(({ c, i }, k) => {
        const letter = columnLetters(i + 1);
        const source = columnLetters(k + 1);
        const count = Object.keys(c.labels!).length;
        return {
          range: `${letter}2:${letter}${LIST_ROWS + 1}`,
          source: `'${optionsName}'!$${source}$2:$${source}$${count + 1}`,
          strict: c.type !== 'list',
        };
      }),
    },
    { name: en ? 'instructions' : '填写说明', rows: instructions(spec, lang), widths: [18, 18, 14, 40, 80] },
  ];
  if (enumColumns.length) sheets.push({ name: optionsName, rows: options, hidden: true });
  return workbookOf(sheets);
}
