/** One statement and its parameters (`$1`, `$2`, … in the text). */
export type Statement = readonly [sql: string, params: readonly unknown[]];

/**
 * A parameter as the text PostgreSQL reads it, typed by its context as a literal would be: strings as they are,
 * numbers and booleans in their text form, dates in ISO 8601, one-dimensional arrays in PostgreSQL's array syntax.
 * Objects are refused rather than guessed at: pass JSON.stringify of them.
 */
export function toParam(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`cannot pass ${v} to PostgreSQL`);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return arrayText(v);
  throw new TypeError(`cannot pass a parameter of type ${typeof v} (pass objects as JSON.stringify of them)`);
}

/** A one-dimensional array of text, numbers and nulls in PostgreSQL's array syntax (`{"a","b\\"c",NULL}`). */
function arrayText(values: readonly unknown[]): string {
  // Built in one string: the consumer passes arrays of hundreds of keys per statement, a few per event.
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (i > 0) text += ',';
    if (x === null || x === undefined) text += 'NULL';
    else if (typeof x === 'number' && Number.isFinite(x)) text += String(x);
    else if (typeof x === 'string') text += `"${x.includes('"') || x.includes('\\') ? x.replace(/[\\"]/g, (c) => `\\${c}`) : x}"`;
    else throw new TypeError(`cannot write an array element of type ${typeof x} as a literal`);
  }
  return `${text}}`;
}
