import type { ImportColumn, ImportSpec } from './import-spec';

/** The column an error report (GET /imports/{id}/errors?layout=rows) adds; an import of the fixed report skips it. */
export const REASON_TITLE = '错误原因 / error reason';
/** The columns of an error report an import skips: its reason column, written as it is or in either script alone. */
const SKIPPED = new Set([REASON_TITLE, '错误原因', '錯誤原因'].map((t) => titleKey(t)));

/**
 * A header cell as it is compared with a column's titles: full-width forms made ASCII (（） → ()), spaces gone, a
 * required-marker star and a trailing note in brackets ("入学年份（YYYY）", "学号*") dropped, lower case.
 */
export function titleKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^[*※]+|[*※]+$/g, '')
    .replace(/^(.+?)\(.*\)$/, '$1')
    .replace(/[*※]+$/g, '')
    .toLowerCase();
}

/** Every title a column is known by: its field name, its Chinese title in Simplified and in Traditional. */
export const titlesOf = (c: ImportColumn): string[] => [c.name, c.title.zh, c.title.zhHant ?? c.title.zh];

/** Why a spec's titles cannot be read back (two columns known by one title), or null: checked as the service starts. */
export function titleClash(spec: ImportSpec): string | null {
  const seen = new Map<string, string>();
  for (const c of spec.columns) {
    for (const t of new Set(titlesOf(c).map(titleKey))) {
      const other = seen.get(t);
      if (other && other !== c.name) return `import ${spec.entity}: columns ${other} and ${c.name} are both titled "${t}"`;
      seen.set(t, c.name);
    }
  }
  return null;
}

/** The header read: per position, the field (null for an empty or skipped column) and the title as the file writes it. */
export interface MatchedHeader {
  fields: Array<string | null>;
  titles: string[];
}

const HAN = /\p{Script=Han}/u;

/** A header the import cannot take: why, in Chinese and English. */
export interface HeaderProblem {
  zh: string;
  en: string;
}

/**
 * The fields of a header row written with the API's field names or the Chinese titles of the template (Simplified
 * or Traditional), or the problems with it: an unknown title is named with the closest known title, a missing
 * required column and a column given twice by their titles.
 */
export function matchHeader(spec: ImportSpec, header: string[]): MatchedHeader | HeaderProblem[] {
  const byKey = fieldsByTitle(spec);
  const fields = header.map((h) => {
    const key = titleKey(h);
    if (key === '' || SKIPPED.has(key)) return null;
    return byKey.get(key)?.name ?? undefined;
  });
  const problems: HeaderProblem[] = [];
  header.forEach((h, i) => {
    if (fields[i] !== undefined) return;
    const near = closestTitle(spec, h);
    problems.push({
      zh: `未知的列「${h}」${near ? `，是否应为「${near.title}」（${near.column.name}）？` : ''}`,
      en: `unknown column "${h}"${near ? `; did you mean "${near.title}" (${near.column.name})?` : ''}`,
    });
  });
  const missing = spec.columns.filter((c) => c.required && !fields.includes(c.name));
  if (missing.length) {
    problems.push({
      zh: `缺少必填列：${missing.map((c) => `「${c.title.zh}」（${c.name}）`).join('、')}`,
      en: `missing columns: ${missing.map((c) => c.name).join(', ')}`,
    });
  }
  const repeated = spec.columns.filter((c) => fields.filter((f) => f === c.name).length > 1);
  if (repeated.length) {
    problems.push({
      zh: `列重复：${repeated.map((c) => `「${c.title.zh}」（${c.name}）`).join('、')}`,
      en: `repeated columns: ${repeated.map((c) => c.name).join(', ')}`,
    });
  }
  if (problems.length) return problems;
  return { fields: fields as Array<string | null>, titles: header };
}

/** Whether a header row is this entity's: every required column is there, by any of its titles (to choose a sheet). */
export function isHeaderOf(spec: ImportSpec, cells: unknown[]): boolean {
  const byKey = fieldsByTitle(spec);
  const found = new Set(cells.map((c) => byKey.get(titleKey(String(c ?? '')))?.name));
  return spec.columns.every((c) => !c.required || found.has(c.name));
}

const byTitleCache = new WeakMap<ImportSpec, Map<string, ImportColumn>>();
function fieldsByTitle(spec: ImportSpec): Map<string, ImportColumn> {
  let map = byTitleCache.get(spec);
  if (!map) {
    map = new Map();
    for (const c of spec.columns) for (const t of titlesOf(c)) map.set(titleKey(t), c);
    byTitleCache.set(spec, map);
  }
  return map;
}

/** The known title nearest to `written` (edit distance), in its script: a Chinese title for Chinese, a field for Latin. */
export function closestTitle(spec: ImportSpec, written: string): { title: string; column: ImportColumn } | undefined {
  const key = titleKey(written);
  const chinese = HAN.test(written);
  let best: { title: string; column: ImportColumn; distance: number } | undefined;
  for (const column of spec.columns) {
    for (const title of titlesOf(column)) {
      if (HAN.test(title) !== chinese) continue;
      const distance = editDistance(key, titleKey(title));
      if (!best || distance < best.distance) best = { title, column, distance };
    }
  }
  return best && { title: best.title, column: best.column };
}

/** Levenshtein distance, by code point. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}
