import type { Type } from '@nestjs/common';
import type { ItemResult, WriteContext } from '@chanjiao/write';
import { labelKey, labelLookup, type Labels } from '@chanjiao/contracts';

export type ColumnType = 'string' | 'integer' | 'boolean' | 'list' | 'decimal' | 'date';

/** A column's title in a Chinese template: Simplified, and Traditional where it differs. */
export interface ColumnTitle {
  zh: string;
  zhHant?: string;
}

export interface ImportColumn {
  /** The API's field, which is also the column's English title. */
  name: string;
  title: ColumnTitle;
  type: ColumnType;
  required: boolean;
  /** Value of the template's example row (a code, for an enum column). */
  example: string;
  /** An enum column (or list of enum values): its labels, read as their codes (libs/contracts labels.ts). */
  labels?: Labels<string>;
}

/**
 * One importable entity of a service: its columns (named as the API's fields), the DTO each row is
 * validated as (exactly like the API), and how a chunk of valid rows is written.
 */
export interface ImportSpec<T extends object = object> {
  entity: string;
  /** Column that identifies the row's entity, for error reports. */
  idColumn: string;
  columns: ImportColumn[];
  dto: Type<T>;
  write(ctx: WriteContext, items: T[]): Promise<Array<ItemResult<unknown>>>;
}

export const IMPORT_SPECS = Symbol('IMPORT_SPECS');

/** `[Simplified, Traditional]`, or the one title both scripts write alike. */
export type TitleText = string | readonly [string, string];
const titleOf = (t: TitleText): ColumnTitle => (typeof t === 'string' ? { zh: t } : { zh: t[0], zhHant: t[1] });

export const col = (name: string, title: TitleText, type: ColumnType, example: string, required = true): ImportColumn => ({
  name,
  title: titleOf(title),
  type,
  required,
  example,
});

/** A column of one enum value (`list`: several, e.g. `化工材料;绿色能源`), written as a code or any of its labels. */
export const enumCol = (
  name: string,
  title: TitleText,
  labels: Labels<string>,
  example: string,
  required = true,
  type: 'string' | 'list' = 'string',
): ImportColumn => ({ name, title: titleOf(title), type, required, example, labels });

const TRUE = new Set(['true', '1', 'yes', 'y', '是', '对', '對', '真', '有', '√', '✓', '✔']);
const FALSE = new Set(['false', '0', 'no', 'n', '否', '错', '錯', '假', '无', '無', '×', '✗', '✘']);

const lookups = new WeakMap<Labels<string>, ReadonlyMap<string, string>>();
/** The code `text` names in `labels` (a code, or a label in either script or English), else `text` as it is. */
export function codeOf(labels: Labels<string>, text: string): string {
  let lookup = lookups.get(labels);
  if (!lookup) lookups.set(labels, (lookup = labelLookup(labels)));
  return lookup.get(labelKey(text)) ?? text;
}

/** Excel's day 0 (its serial dates count days from 1899-12-30, the 1900 leap-year slip included). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** 9999-12-31, Excel's last date. */
const EXCEL_LAST_SERIAL = 2_958_465;

/** An Excel serial date (days since 1899-12-30; a fraction is the time of day, dropped) as YYYY-MM-DD. */
export function fromExcelSerial(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > EXCEL_LAST_SERIAL) return undefined;
  return new Date(EXCEL_EPOCH_MS + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

const pad2 = (n: string) => n.padStart(2, '0');

/**
 * A date as Excel and WPS write it, as YYYY-MM-DD: 2022/9/1, 2022-9-1, 2022.9.1, 2022年9月1日 (a time after it
 * dropped), 20220901, or a serial date written as text (44805, from a date cell saved to CSV as General). Other
 * text is given back unchanged, for validation to refuse naming the field.
 */
export function isoDateOf(text: string): string {
  const t = text.normalize('NFKC').trim();
  const ymd = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(t);
  if (ymd) return `${ymd[1]}-${pad2(ymd[2]!)}-${pad2(ymd[3]!)}`;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  if (/^\d{1,7}(\.\d+)?$/.test(t)) return fromExcelSerial(Number(t)) ?? text;
  return text;
}

/**
 * Turns a cell (text from CSV, typed from XLSX) into the JSON value the API takes. A value that does
 * not fit is passed on unchanged, so validation names the field, as it would for the API.
 */
export function coerceCell(type: ColumnType, raw: unknown, labels?: Labels<string>): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (raw instanceof Date) {
    if (type === 'date') return raw.toISOString().slice(0, 10);
    return raw.toISOString();
  }
  if (typeof raw === 'object' && raw !== null && 'text' in raw) raw = (raw as { text: unknown }).text; // XLSX rich text
  if (typeof raw === 'object' && raw !== null && 'result' in raw) raw = (raw as { result: unknown }).result; // XLSX formula
  const text = typeof raw === 'string' ? raw.trim() : raw;
  if (text === '') return undefined;
  switch (type) {
    case 'string':
      if (labels && typeof text === 'string') return codeOf(labels, text);
      return typeof text === 'number' ? String(text) : text;
    case 'date':
      // A date cell exceljs could not tell from a number (a custom or WPS format): its serial.
      if (typeof text === 'number') return fromExcelSerial(text) ?? String(text);
      return typeof text === 'string' ? isoDateOf(text) : text;
    case 'decimal':
      // Money stays a string; a numeric XLSX cell is written back in plain decimal notation.
      return typeof text === 'number' ? String(text) : text;
    case 'integer':
      if (typeof text === 'number') return text;
      // Full-width digits (１２) as Chinese input methods type them.
      return typeof text === 'string' && /^-?\d+$/.test(text.normalize('NFKC')) ? Number(text.normalize('NFKC')) : text;
    case 'boolean': {
      if (typeof text === 'boolean') return text;
      const key = String(text).normalize('NFKC').toLowerCase();
      if (TRUE.has(key)) return true;
      if (FALSE.has(key)) return false;
      return text;
    }
    case 'list':
      return String(text)
        .split(/[;|,，；、]/)
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => (labels ? codeOf(labels, s) : s));
    default: {
      const never: never = type;
      throw new Error(`unknown column type ${String(never)}`);
    }
  }
}
