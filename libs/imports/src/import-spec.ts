import type { Type } from '@nestjs/common';
import type { ItemResult, WriteContext } from '@chanjiao/write';

export type ColumnType = 'string' | 'integer' | 'boolean' | 'list' | 'decimal' | 'date';

export interface ImportColumn {
  name: string;
  type: ColumnType;
  required: boolean;
  /** Value of the template's example row. */
  example: string;
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

export const col = (name: string, type: ColumnType, example: string, required = true): ImportColumn => ({ name, type, required, example });

const TRUE = new Set(['true', '1', 'yes', 'y', '是', 'TRUE']);
const FALSE = new Set(['false', '0', 'no', 'n', '否', 'FALSE']);

/**
 * Turns a cell (text from CSV, typed from XLSX) into the JSON value the API takes. A value that does
 * not fit is passed on unchanged, so validation names the field, as it would for the API.
 */
export function coerceCell(type: ColumnType, raw: unknown): unknown {
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
    case 'date':
      return typeof text === 'number' ? String(text) : text;
    case 'decimal':
      // Money stays a string; a numeric XLSX cell is written back in plain decimal notation.
      return typeof text === 'number' ? String(text) : text;
    case 'integer':
      if (typeof text === 'number') return text;
      return typeof text === 'string' && /^-?\d+$/.test(text) ? Number(text) : text;
    case 'boolean':
      if (typeof text === 'boolean') return text;
      if (TRUE.has(String(text))) return true;
      if (FALSE.has(String(text))) return false;
      return text;
    case 'list':
      return String(text)
        .split(/[;|,，；、]/)
        .map((s) => s.trim())
        .filter(Boolean);
    default: {
      const never: never = type;
      throw new Error(`unknown column type ${String(never)}`);
    }
  }
}
