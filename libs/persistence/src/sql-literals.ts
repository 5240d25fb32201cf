/**
 * Writing parameters into SQL text, for sending several statements in one round trip (PostgreSQL's simple
 * query protocol takes many statements but no parameters). On a busy 2-core box a round trip costs 1–2.5 ms
 * of waiting, so a transaction of a dozen statements spent most of its time between them.
 *
 * Each value becomes a quoted literal, which PostgreSQL types from its context exactly as it types a parameter
 * (`'2022'` compared with an int column is an int). Only for SQL text written in this code base: placeholders
 * inside quoted strings and identifiers are left alone, and dollar quoting and comments are not understood.
 */
export function withLiterals(sql: string, params: readonly unknown[]): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (token, n: string | undefined) => {
    if (n === undefined) return token;
    const i = Number(n) - 1;
    if (i >= params.length) throw new RangeError(`query has $${n} but ${params.length} parameters`);
    return sqlLiteral(params[i]);
  });
}

/** The literal of one parameter value: text quoted (E'' with doubled backslashes when it has any), NULL for null. */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return quoteText(v);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`cannot pass ${v} to PostgreSQL`);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `'${v}'`;
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (Array.isArray(v)) return quoteText(arrayText(v));
  throw new TypeError(`cannot write a parameter of type ${typeof v} as a literal (pass objects as JSON.stringify of them)`);
}

/** A one-dimensional array of text, numbers and nulls in PostgreSQL's array syntax (`{"a","b\\"c",NULL}`). */
function arrayText(values: readonly unknown[]): string {
  const items = values.map((x) => {
    if (x === null || x === undefined) return 'NULL';
    if (typeof x === 'number' && Number.isFinite(x)) return String(x);
    if (typeof x === 'string') return `"${x.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    throw new TypeError(`cannot write an array element of type ${typeof x} as a literal`);
  });
  return `{${items.join(',')}}`;
}

/** Regular expressions, not a loop over characters: batches write hundreds of kilobytes of JSON this way. */
function quoteText(s: string): string {
  if (s.includes('\u0000')) throw new TypeError('a text parameter cannot hold NUL');
  const quoted = s.replace(/'/g, "''");
  return s.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** The part of a node-postgres client (e.g. what a TypeORM query runner's `connect()` returns) that sends a statement text. */
export interface SqlTextClient {
  query(text: string): Promise<unknown>;
}

/** Sends statements (SQL and its parameters) as one text in one round trip and returns each one's rows, in order. */
export async function sendTogether(
  client: SqlTextClient,
  statements: ReadonlyArray<readonly [string, readonly unknown[]]>,
): Promise<unknown[][]> {
  const out = await client.query(statements.map(([sql, params]) => withLiterals(sql, params)).join(';\n'));
  // node-postgres answers one result for one statement and an array of them for several.
  const results = (Array.isArray(out) ? out : [out]) as Array<{ rows?: unknown[] }>;
  return results.map((r) => r.rows ?? []);
}
