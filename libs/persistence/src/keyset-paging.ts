import { DomainError } from '@chanjiao/domain';
import { ID_PATTERN, isCalendarDate } from '@chanjiao/contracts';

/**
 * Keyset pages (never OFFSET): a page's rows come after the key of the previous page's last row, given back to the
 * client as an opaque cursor. The HTTP side (`?limit=&cursor=`, the OpenAPI page) is `paging.ts` in @chanjiao/edge.
 */

/**
 * The kind of each part of a list's key, so a cursor is checked before it reaches SQL: `bigint` a decimal string (a
 * bigint id, as PostgreSQL answers it), `timestamp` a timestamptz as PostgreSQL writes it as text (to the microsecond),
 * `subject` an id or an event subject made of two (`<allianceId>/<memberId>`).
 */
export type KeyPart = 'text' | 'subject' | 'int' | 'date' | 'bigint' | 'timestamp';
export type KeyValue = string | number;

export interface PageRequest {
  limit: number;
  /** The key of the last item of the previous page; null on the first page. */
  after: KeyValue[] | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const invalidCursor = () =>
  new DomainError(
    'invalid',
    'invalid_cursor',
    'cursor 无效：请使用上一页返回的 nextCursor / cursor is not a nextCursor this list gave',
    'cursor',
  );

/** The cursor: base64url of the JSON array of the last item's key. Opaque to clients; ids are not secret. */
export function encodeCursor(key: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor for a list keyed by `parts`; anything but what {@link encodeCursor} gives such a list is `invalid_cursor`. */
export function decodeCursor(cursor: string, parts: readonly KeyPart[]): KeyValue[] {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(key) || key.length !== parts.length) throw invalidCursor();
  parts.forEach((part, i) => {
    if (!fits(part, key[i])) throw invalidCursor();
  });
  return key as KeyValue[];
}

function fits(part: KeyPart, v: unknown): boolean {
  switch (part) {
    case 'text':
      return typeof v === 'string' && ID_PATTERN.test(v);
    case 'subject':
      return typeof v === 'string' && v.split('/').length <= 2 && v.split('/').every((part) => ID_PATTERN.test(part));
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) <= 2 ** 31 - 1;
    case 'date':
      return typeof v === 'string' && isCalendarDate(v);
    case 'bigint':
      return typeof v === 'string' && /^-?\d{1,18}$/.test(v);
    case 'timestamp':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(v);
    default: {
      const never: never = part;
      throw new Error(`unknown key part ${String(never)}`);
    }
  }
}

/**
 * The SQL of a keyset page over `columns` (the list's key, in order): `where` to AND into the query's conditions
 * (empty on the first page), `orderLimit` to end it with. Parameters are numbered from `firstParam`; one more row than
 * the page is asked for, so {@link toPage} knows whether another page follows without a count. `desc`: newest first
 * (the audit trail), every column descending.
 */
export function keysetSql(
  columns: readonly string[],
  page: PageRequest,
  firstParam: number,
  direction: 'asc' | 'desc' = 'asc',
): { where: string; orderLimit: string; params: unknown[] } {
  const order = columns.join(', ');
  const orderBy = direction === 'asc' ? order : columns.map((c) => `${c} DESC`).join(', ');
  const beyond = direction === 'asc' ? '>' : '<';
  if (!page.after) return { where: '', orderLimit: `ORDER BY ${orderBy} LIMIT $${firstParam}`, params: [page.limit + 1] };
  const after = columns.map((_, i) => `$${firstParam + i}`).join(', ');
  return {
    where: columns.length === 1 ? `${columns[0]} ${beyond} ${after}` : `(${order}) ${beyond} (${after})`,
    orderLimit: `ORDER BY ${orderBy} LIMIT $${firstParam + columns.length}`,
    params: [...page.after, page.limit + 1],
  };
}

/** The page of `rows` (fetched with {@link keysetSql}: up to limit + 1), its cursor the key of its last item. */
export function toPage<R, V = R>(rows: R[], page: PageRequest, keyOf: (row: R) => KeyValue[], view?: (row: R) => V): Page<V> {
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  return {
    items: view ? items.map(view) : (items as unknown as V[]),
    nextCursor: more ? encodeCursor(keyOf(items[items.length - 1]!)) : null,
  };
}
