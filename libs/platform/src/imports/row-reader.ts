import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type SheetFormat = 'csv' | 'xlsx';

export class UnreadableFileError extends Error {}

/** Rows of a spreadsheet as arrays of cells, header first; streamed, never the whole file in memory. */
export async function* readRows(input: Readable, format: SheetFormat, encoding?: string): AsyncGenerator<unknown[]> {
  if (format === 'xlsx') {
    yield* readXlsx(input);
    return;
  }
  const decoded = await decodeText(input, encoding);
  const parser = decoded.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: false }));
  decoded.once('error', (e) => parser.destroy(e));
  try {
    for await (const record of parser) yield record as string[];
  } catch (e) {
    throw new UnreadableFileError(`not a readable CSV file: ${(e as Error).message}`);
  }
}

/**
 * The first sheet's rows. exceljs's streaming reader sometimes loses the archive's last parts (exceljs issue 3064): then
 * it fails on `workbook.xml` missing, or gives cells that point into a shared-strings table it never read. Once in a few
 * hundred reads on a busy box. So the upload is first written to a temporary file (disk, not memory), and a read that
 * lost parts before its first row is made again from it; a lost part found after rows went out fails the file.
 */
async function* readXlsx(input: Readable): AsyncGenerator<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'chanjiao-xlsx-'));
  try {
    const path = join(dir, 'upload.xlsx');
    await pipeline(input, createWriteStream(path));
    yield* readingAgain(() => firstSheetRows(path));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Attempts at reading one file before it is refused. */
export const XLSX_READ_ATTEMPTS = 3;

/** Rows from `read()`, made again (up to {@link XLSX_READ_ATTEMPTS} times) while it fails or loses its strings before its first row. */
export async function* readingAgain(read: () => AsyncGenerator<unknown[]>): AsyncGenerator<unknown[]> {
  for (let attempt = 1; ; attempt++) {
    const rows = read();
    let first: IteratorResult<unknown[]>;
    try {
      first = await rows.next();
      if (!first.done && lostStrings(first.value)) throw new Error('its shared strings were not read');
    } catch (e) {
      await rows.return(undefined).catch(() => undefined);
      if (attempt < XLSX_READ_ATTEMPTS) continue;
      throw new UnreadableFileError(`not a readable XLSX file: ${(e as Error).message}`);
    }
    if (first.done) return;
    yield first.value;
    try {
      for await (const row of rows) {
        if (lostStrings(row)) throw new Error('its shared strings were not read');
        yield row;
      }
    } catch (e) {
      throw new UnreadableFileError(`not a readable XLSX file: ${(e as Error).message}`);
    }
    return;
  }
}

/** A cell exceljs could not resolve: an index into a shared-strings table it did not read. */
const lostStrings = (row: unknown[]) => row.some((cell) => cell !== null && typeof cell === 'object' && 'sharedString' in cell);

async function* firstSheetRows(path: string): AsyncGenerator<unknown[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row as ExcelJS.Row).values as unknown[];
      yield values.slice(1); // ExcelJS rows are 1-based
    }
    return; // the first sheet only
  }
}

/**
 * UTF-8 (with or without BOM) unless told otherwise; a file that is not valid UTF-8 in its first
 * 64 KiB is read as GB18030, which is what Chinese Excel writes for "CSV".
 */
async function decodeText(input: Readable, encoding?: string): Promise<Readable> {
  const iterator = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 65536) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
    head.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(head);
  const chosen = (encoding ?? (looksUtf8(first, done) ? 'utf-8' : 'gb18030')).toLowerCase();
  if (!iconv.encodingExists(chosen)) throw new UnreadableFileError(`unknown encoding ${chosen}`);
  async function* bytes() {
    yield first;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  // pipe() does not pass an error on: a read failing after the first 64 KB (a cut upload) would leave the parser waiting.
  const source = Readable.from(bytes());
  const decoded = iconv.decodeStream(chosen) as unknown as Readable;
  source.once('error', (e) => decoded.destroy(e));
  return source.pipe(decoded as unknown as NodeJS.WritableStream) as unknown as Readable;
}

function looksUtf8(buf: Buffer, complete: boolean): boolean {
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes.
  for (let cut = 0; cut <= (complete ? 0 : 3); cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, buf.length - cut));
      return true;
    } catch {
      // try a shorter sample
    }
  }
  return false;
}
