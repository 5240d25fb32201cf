/**
 * The SQL half of keyset paging (every list: `{ items, nextCursor }`, keyset on the list's key, never OFFSET): here,
 * beside the tables that page with it (`EntityTable`); the query class, the cursor check and the OpenAPI view are in
 * `@chanjiao/platform`'s paging, which re-exports these.
 */

/**
 * The kind of each part of a list's key, so a cursor is checked before it reaches SQL: `bigint` a decimal string (a
 * bigint id, as PostgreSQL answers it), `timestamp` a timestamptz as PostgreSQL writes it as text (to the microsecond).
 */
export type KeyPart = 'text' | 'int' | 'date' | 'bigint' | 'timestamp';
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

/** The cursor: base64url of the JSON array of the last item's key. Opaque to clients; ids are not secret. */
export function encodeCursor(key: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
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
