import type { ValidationError } from 'class-validator';
import { labelChoices } from '@chanjiao/contracts';
import type { ImportColumn } from './import-spec';

/** A failed check of one field, with the check's name (class-validator's constraint), to say it in Chinese too. */
export interface FieldCheck {
  field: string;
  constraint: string;
  message: string;
  value: unknown;
}

/** The failed checks of a row's item, nested ones as `field.sub` / `field[0]` as the API names them. */
export function fieldChecks(errors: ValidationError[], prefix = ''): FieldCheck[] {
  const out: FieldCheck[] = [];
  for (const e of errors) {
    const field = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    for (const [constraint, message] of Object.entries(e.constraints ?? {})) out.push({ field, constraint, message, value: e.value });
    if (e.children?.length) out.push(...fieldChecks(e.children, field));
  }
  return out;
}

const shown = (v: unknown) => (Array.isArray(v) ? v.join('；') : String(v ?? '')).slice(0, 100);

/** What is wrong with a cell, in Chinese, from the check it failed (the English message beside for the rare ones). */
export function zhReason(check: FieldCheck, column: ImportColumn | undefined): string {
  switch (check.constraint) {
    case 'isIn':
      return column?.labels
        ? `「${shown(check.value)}」不是可选的值；可填：${labelChoices(column.labels)}`
        : `「${shown(check.value)}」不是可选的值`;
    case 'isInt':
      return `「${shown(check.value)}」不是整数`;
    case 'min':
    case 'max':
      return `「${shown(check.value)}」超出允许的范围（${check.message}）`;
    case 'isBoolean':
      return `「${shown(check.value)}」应填“是”或“否”`;
    case 'isCalendarDate':
      return `「${shown(check.value)}」不是有效日期；可写作 2022-09-01、2022/9/1 或 2022年9月1日`;
    case 'isString':
      return '应为文本';
    case 'isDefined':
    case 'isNotEmpty':
      return '必填，不能为空';
    case 'isLength':
    case 'maxLength':
    case 'minLength':
      return `长度不符合要求（${check.message}）`;
    case 'arrayNotEmpty':
    case 'arrayMinSize':
      return '至少填写一项';
    case 'arrayMaxSize':
      return `项数过多（${check.message}）`;
    case 'matches':
      return `格式不正确（${check.message}）`;
    default:
      return `填写有误（${check.message}）`;
  }
}

/** "第 4 行「层次」：…": the row and the column title as the file writes it. */
export const rowMessageZh = (row: number, title: string, reason: string) => `第 ${row} 行「${title}」：${reason}`;

const HAN = /\p{Script=Han}/u;

/** A domain error's message (the service's, English or already bilingual) said for the row in Chinese. */
export function zhOfWriteError(code: string | undefined, message: string): string {
  return HAN.test(message) ? message : `未能写入${code ? `（${code}）` : ''}：${message}`;
}
