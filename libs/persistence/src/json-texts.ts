/**
 * Many JSON texts as one statement parameter, each stored as the text it is (a `json` column keeps it byte for
 * byte): the texts joined by the record separator (U+001E), which valid JSON cannot hold raw (RFC 8259 allows
 * control characters only escaped inside strings and none outside them), and split again by `jsonTextsSql`.
 *
 * Nesting the texts in one JSON document instead (`json_to_recordset`) makes PostgreSQL parse each of them twice,
 * once in the document and once as the column's value, and build a record per row: a third of the cost of
 * inserting 500 events of about 500 bytes (BENCHMARKS.md).
 */
const RECORD_SEPARATOR = '\u001e';

export function joinJsonTexts(texts: readonly string[]): string {
  for (const text of texts) {
    if (text.includes(RECORD_SEPARATOR)) throw new Error('a JSON text holds a raw U+001E, which valid JSON cannot');
  }
  return texts.join(RECORD_SEPARATOR);
}

/** The rows of a `joinJsonTexts` parameter (`$n`), in order, as `text`; cast to `json` where they are stored. */
export const jsonTextsSql = (param: string) => `string_to_table(${param}, chr(30))`;
