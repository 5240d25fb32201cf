import { AsyncLocalStorage } from 'node:async_hooks';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { csvMaxRecordBytes, DEFAULT_IMPORT_LIMITS, FileLimitError, ImportLimits } from './import-limits';
import { bomOf, CellDecoder, csvEncodingNamed, isUtf16, shownName, TextCheck, utf16AsUtf8 } from './text-encoding';
import { guardXlsx, ZipInvalidError } from './zip-guard';

export type SheetFormat = 'csv' | 'xlsx';

export class UnreadableFileError extends Error {}

/** The CSV's encoding is not the one given, or, none given, neither UTF-8 nor GB18030. */
export class FileEncodingError extends UnreadableFileError {}

/**
 * Rows of a spreadsheet as arrays of cells, header first; streamed, never the whole file in memory. A CSV cell is text,
 * or an InvalidText (text-encoding.ts) where its bytes are not valid in the file's encoding.
 */
export async function* readRows(
  input: Readable,
  format: SheetFormat,
  encoding?: string,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
): AsyncGenerator<unknown[]> {
  if (format === 'xlsx') {
    yield* readXlsx(input, limits);
    return;
  }
  yield* readCsv(input, encoding, limits);
}

/**
 * The encoding is the one given; else the one the byte order mark says; else the whole file is checked: UTF-8 if it
 * is valid UTF-8 throughout, else GB18030 (as Chinese Excel writes "CSV") if valid GB18030 throughout, else refused.
 * Deciding from the start of a file would read a GB18030 file whose Chinese comes late as UTF-8, so such a file is
 * first written to a temporary file (disk, not memory) while it is checked, and its rows read from there.
 */
async function* readCsv(input: Readable, declared: string | undefined, limits: ImportLimits): AsyncGenerator<unknown[]> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const asBuffer = (chunk: Buffer | string) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 3 && !ended) {
    const next = await chunks.next();
    if (next.done) ended = true;
    else head = Buffer.concat([head, asBuffer(next.value)]);
  }
  const bom = bomOf(head);
  const encoding = declared === undefined ? bom?.encoding : csvEncodingNamed(declared);
  if (declared !== undefined && !encoding) throw new FileEncodingError(`encoding ${declared} is not known (e.g. utf-8, gb18030)`);
  if (bom && bom.encoding === encoding) head = head.subarray(bom.length);
  const bytes = async function* () {
    if (head.length) yield head;
    while (!ended) {
      const next = await chunks.next();
      if (next.done) return;
      yield asBuffer(next.value);
    }
  };
  if (encoding) {
    // Through a file too: an upload cut short fails before any row is written (an import commits chunk by chunk).
    const known = encoding;
    yield* throughFile(bytes(), 'csv', (path) =>
      isUtf16(known)
        ? csvRows(utf16AsUtf8(createReadStream(path), known === 'utf-16be'), new CellDecoder('utf-8', shownName(known)), limits)
        : csvRows(createReadStream(path), new CellDecoder(known), limits),
    );
    return;
  }
  const utf8 = new TextCheck('utf-8');
  yield* throughFile(
    bytes(),
    'csv',
    (path) => detectedRows(path, utf8, limits),
    (chunk) => utf8.push(chunk),
  );
}

/** Rows of a CSV written whole to `path`, its UTF-8 check made as it was written. */
async function* detectedRows(path: string, utf8: TextCheck, limits: ImportLimits): AsyncGenerator<unknown[]> {
  let detected: string | undefined = 'utf-8';
  if (!utf8.end()) {
    const gb18030 = new TextCheck('gb18030');
    for await (const chunk of createReadStream(path)) gb18030.push(chunk as Buffer);
    detected = gb18030.end() ? 'gb18030' : undefined;
  }
  if (!detected) {
    throw new FileEncodingError(
      '文件编码无法识别 / the file is neither valid UTF-8 nor GB18030; save it as UTF-8 CSV or give its encoding as encoding=… (e.g. encoding=big5)',
    );
  }
  yield* csvRows(createReadStream(path), new CellDecoder(detected), limits);
}

/**
 * Writes the upload to a temporary file (disk, not memory), showing each chunk to `seen` on its way, then reads rows
 * from the file; the file is removed when reading ends, however it ends.
 */
async function* throughFile(
  input: AsyncIterable<Buffer>,
  format: SheetFormat,
  read: (path: string) => AsyncGenerator<unknown[]>,
  seen: (chunk: Buffer) => void = () => undefined,
): AsyncGenerator<unknown[]> {
  // Named with this process's id: a folder left by a process that died is removed at the next start (below).
  const dir = await mkdtemp(join(tmpdir(), `chanjiao-${format}-${process.pid}-`));
  try {
    const path = join(dir, `upload.${format}`);
    await pipeline(
      input,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          seen(chunk);
          yield chunk;
        }
      },
      createWriteStream(path),
    );
    yield* read(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes the temporary folders of uploads left by processes that are gone (killed mid-import: no `finally` ran).
 * Folders of live processes (other services on this host) are theirs, and kept.
 */
export async function removeLeftTemporaryFolders(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const m = /^chanjiao-(?:csv|xlsx)-(\d+)-/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The CSV split into cells as bytes (see text-encoding.ts), each decoded strictly. */
async function* csvRows(bytes: AsyncIterable<Buffer>, cells: CellDecoder, limits: ImportLimits): AsyncGenerator<unknown[]> {
  // A record is buffered whole before it is given: past what a row of cells of the longest text could be, it is refused.
  const maxRecordSize = csvMaxRecordBytes(limits);
  const parser = parse({
    encoding: null,
    bom: false,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: false,
    max_record_size: maxRecordSize,
  });
  // A failure anywhere (a cut upload, a CSV error) destroys the parser with it, and reading it throws.
  void pipeline(Readable.from(bytes), parser).catch(() => undefined);
  try {
    for await (const record of parser) yield (record as Buffer[]).map((cell) => cells.decode(cell));
  } catch (e) {
    if ((e as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') {
      throw new FileLimitError(
        'cell_too_large',
        `一行超过 ${maxRecordSize} 字节（单元格最多 ${limits.maxCellChars} 个字符，IMPORT_MAX_CELL_CHARS） / a row passes ${maxRecordSize} bytes ` +
          `(${(e as { lines?: number }).lines !== undefined ? `at line ${(e as { lines?: number }).lines}; ` : ''}a cell holds at most ${limits.maxCellChars} characters, IMPORT_MAX_CELL_CHARS)`,
      );
    }
    throw new UnreadableFileError(`not a readable CSV file: ${(e as Error).message}`);
  }
}

/**
 * The first sheet's rows. exceljs's streaming reader sometimes loses the archive's last parts (exceljs issue 3064): then
 * it fails on `workbook.xml` missing, or gives cells that point into a shared-strings table it never read. Once in a few
 * hundred reads on a busy box. So the upload is first written to a temporary file (disk, not memory), and a read that
 * lost parts before its first row is made again from it; a lost part found after rows went out fails the file.
 */
async function* readXlsx(input: Readable, limits: ImportLimits): AsyncGenerator<unknown[]> {
  yield* throughFile(input, 'xlsx', async function* (path) {
    // Before the reader inflates anything: a zip bomb or a giant cell is refused here (zip-guard.ts).
    try {
      await guardXlsx(path, limits);
    } catch (e) {
      if (e instanceof ZipInvalidError) throw new UnreadableFileError(`not a readable XLSX file: ${e.message}`);
      throw e;
    }
    yield* removingReaderTempFiles(readingAgain(() => firstSheetRows(path)));
  });
}

type TmpFileCallback = (err: Error | null, path: string, fd: number, cleanup: () => void) => void;

/** The temporary files exceljs made while the current read ran (see {@link removingReaderTempFiles}). */
const readerTempFiles = new AsyncLocalStorage<Array<() => void>>();
let tmpWatched = false;

/**
 * exceljs writes a sheet that comes before the shared strings in the archive (as many writers order it) to a temporary
 * file of its own (the `tmp` package, in the system's folder), and removes it, and closes its descriptor, only once the
 * reader is asked for the next sheet: never, as only the first is read, nor when a read fails. Each import thus left a
 * file as large as its inflated sheet, and an open descriptor. So its `tmp.file` is watched, and the files it makes
 * during a read are removed when the read ends, however it ends.
 */
function watchReaderTempFiles(): void {
  if (tmpWatched) return;
  tmpWatched = true;
  // exceljs's own copy of `tmp`, as it resolves it.
  const load = createRequire(require.resolve('exceljs'));
  const tmp = load(load.resolve('tmp', { paths: [dirname(require.resolve('exceljs'))] })) as { file: (...args: unknown[]) => void };
  const file = tmp.file.bind(tmp);
  tmp.file = (...args: unknown[]) => {
    const made = readerTempFiles.getStore();
    const callback = args[args.length - 1];
    if (!made || typeof callback !== 'function') return file(...args);
    return file(...args.slice(0, -1), ((err, path, fd, cleanup) => {
      if (!err) made.push(cleanup);
      (callback as TmpFileCallback)(err, path, fd, cleanup);
    }) satisfies TmpFileCallback);
  };
}

/** Rows of `rows`, each read in a context that records the reader's temporary files; these are removed at the end. */
async function* removingReaderTempFiles(rows: AsyncGenerator<unknown[]>): AsyncGenerator<unknown[]> {
  watchReaderTempFiles();
  const made: Array<() => void> = [];
  try {
    for (;;) {
      const next = await readerTempFiles.run(made, () => rows.next());
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await readerTempFiles.run(made, () => rows.return(undefined)).catch(() => undefined);
    // tmp's cleanup closes the descriptor and removes the file; called twice, it does nothing the second time.
    for (const cleanup of made) {
      try {
        cleanup();
      } catch {
        // already gone
      }
    }
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
