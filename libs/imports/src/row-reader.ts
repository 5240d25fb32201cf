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

/** An Excel 97-2003 (.xls) or WPS (.et) workbook: an OLE2 compound file, which no library of ours reads. */
export class LegacyWorkbookError extends UnreadableFileError {
  constructor() {
    super(
      '这是 Excel 97-2003（.xls）或 WPS（.et）格式的文件，无法读取：请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再导入 / ' +
        'this is an Excel 97-2003 (.xls) or WPS (.et) file, which cannot be read: save it as .xlsx (File → Save As → Excel Workbook) and import that',
    );
  }
}

/** Which sheet of a workbook is read: the one named, else the first (visible) whose header row `isHeader` takes. */
export interface SheetChoice {
  sheet?: string;
  isHeader?: (cells: unknown[]) => boolean;
}

/** The first bytes of an OLE2 compound file (.xls, .et, .doc…). */
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The first bytes of a zip archive (an XLSX is one). */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Rows of a spreadsheet as arrays of cells, header first; streamed, never the whole file in memory. A CSV cell is text,
 * or an InvalidText (text-encoding.ts) where its bytes are not valid in the file's encoding.
 */
export async function* readRows(
  input: Readable,
  format: SheetFormat,
  encoding?: string,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
  choice: SheetChoice = {},
): AsyncGenerator<unknown[]> {
  // What the file is, from its first bytes, whatever its name or content type says: a clerk's "CSV" may be an XLSX,
  // and an .xls renamed .xlsx is still an .xls.
  const { head, file } = await sniffed(input, OLE2_MAGIC.length);
  if (head.subarray(0, OLE2_MAGIC.length).equals(OLE2_MAGIC)) throw new LegacyWorkbookError();
  if (format === 'xlsx' || head.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
    yield* readXlsx(file, limits, choice);
    return;
  }
  yield* readCsv(file, encoding, limits);
}

/** The first `n` bytes of `input` (fewer if it is shorter), and the whole stream again, those bytes included. */
async function sniffed(input: Readable, n: number): Promise<{ head: Buffer; file: Readable }> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const seen: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < n && !ended) {
    const next = await chunks.next();
    if (next.done) ended = true;
    else {
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      seen.push(chunk);
      length += chunk.length;
    }
  }
  const head = Buffer.concat(seen);
  async function* all() {
    yield* seen;
    while (!ended) {
      const next = await chunks.next();
      if (next.done) return;
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    }
  }
  return { head, file: Readable.from(all(), { objectMode: false }) };
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

/** An upload written whole to a temporary file. */
export interface Spooled {
  bytes: number;
  /** The file's bytes, as a stream. */
  open(): Readable;
  /** Removes the file (done however the import ends). */
  remove(): Promise<void>;
}

/**
 * The upload written to a temporary file (disk, not memory), to answer once it is in and import it from there (a job,
 * for a large file). An upload cut short or over its limit fails here, before any row is read.
 */
export async function spool(input: Readable): Promise<Spooled> {
  const dir = await mkdtemp(join(tmpdir(), `chanjiao-upload-${process.pid}-`));
  const path = join(dir, 'upload');
  const remove = () => rm(dir, { recursive: true, force: true });
  let bytes = 0;
  try {
    await pipeline(
      input,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(path),
    );
  } catch (e) {
    await remove();
    throw e;
  }
  return { bytes, open: () => createReadStream(path), remove };
}

/**
 * Removes the temporary folders of uploads left by processes that are gone (killed mid-import: no `finally` ran).
 * Folders of live processes (other services on this host) are theirs, and kept.
 */
export async function removeLeftTemporaryFolders(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const m = /^chanjiao-(?:csv|xlsx|upload)-(\d+)-/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Whether a process of this host is alive (another user's counts). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The delimiter of a text file, from its first line: a tab where it has more tabs than commas (Excel's "Unicode text"
 * and "Text (tab delimited)"), else a comma. Both are one byte in every encoding read (UTF-8, GB18030, Big5, UTF-16
 * made UTF-8), never part of another character. Answers the bytes again, those looked at included.
 */
async function delimited(bytes: AsyncIterable<Buffer>, most: number): Promise<{ delimiter: string; file: Readable }> {
  const chunks = bytes[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  let ended = false;
  let lineEnd = -1;
  while (lineEnd < 0 && length < most && !ended) {
    const next = await chunks.next();
    if (next.done) ended = true;
    else {
      seen.push(next.value);
      const at = next.value.indexOf(0x0a);
      if (at >= 0) lineEnd = length + at;
      length += next.value.length;
    }
  }
  const first = Buffer.concat(seen).subarray(0, lineEnd >= 0 ? lineEnd : undefined);
  let tabs = 0;
  let commas = 0;
  for (const b of first) {
    if (b === 0x09) tabs++;
    else if (b === 0x2c) commas++;
  }
  async function* all() {
    yield* seen;
    while (!ended) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { delimiter: tabs > commas ? '\t' : ',', file: Readable.from(all()) };
}

/** The CSV split into cells as bytes (see text-encoding.ts), each decoded strictly. */
async function* csvRows(bytes: AsyncIterable<Buffer>, cells: CellDecoder, limits: ImportLimits): AsyncGenerator<unknown[]> {
  // A record is buffered whole before it is given: past what a row of cells of the longest text could be, it is refused.
  const maxRecordSize = csvMaxRecordBytes(limits);
  const { delimiter, file } = await delimited(bytes, maxRecordSize);
  const parser = parse({
    encoding: null,
    bom: false,
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: false,
    max_record_size: maxRecordSize,
  });
  // A failure anywhere (a cut upload, a CSV error) destroys the parser with it, and reading it throws.
  void pipeline(file, parser).catch(() => undefined);
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
async function* readXlsx(input: Readable, limits: ImportLimits, choice: SheetChoice): AsyncGenerator<unknown[]> {
  yield* throughFile(input, 'xlsx', async function* (path) {
    // Before the reader inflates anything: a zip bomb or a giant cell is refused here (zip-guard.ts).
    try {
      await guardXlsx(path, limits);
    } catch (e) {
      if (e instanceof ZipInvalidError) throw new UnreadableFileError(`not a readable XLSX file: ${e.message}`);
      throw e;
    }
    yield* removingReaderTempFiles(readingAgain(() => chosenSheetRows(path, choice)));
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

/**
 * The rows of the sheet named, else of the first visible sheet whose header row `isHeader` takes (a workbook may begin
 * with an instructions sheet). Sheets passed over are read through, as the streaming reader needs. No sheet taking
 * the header: the first sheet's header row is given, for the header check to say what is wrong with it.
 */
async function* chosenSheetRows(path: string, choice: SheetChoice): AsyncGenerator<unknown[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
  });
  const names: string[] = [];
  let firstHeader: unknown[] | undefined;
  for await (const sheet of reader) {
    const { name, state } = sheet as unknown as { name: string; state?: string };
    names.push(name);
    let take: boolean | undefined =
      choice.sheet !== undefined ? name === choice.sheet : state === 'hidden' || state === 'veryHidden' ? false : undefined;
    for await (const row of sheet) {
      const values = ((row as ExcelJS.Row).values as unknown[]).slice(1); // ExcelJS rows are 1-based
      if (take === undefined) {
        take = !choice.isHeader || choice.isHeader(values);
        if (!take) firstHeader ??= values;
      }
      if (take) yield values;
    }
    if (take) return;
  }
  if (choice.sheet !== undefined) {
    throw new UnreadableFileError(
      `没有名为「${choice.sheet}」的工作表（有：${names.join('、')}） / the workbook has no sheet named "${choice.sheet}" (its sheets: ${names.join(', ')})`,
    );
  }
  if (firstHeader) yield firstHeader;
}
