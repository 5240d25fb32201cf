import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { FileLimitError, ImportLimits } from './import-limits';

/**
 * An XLSX is a zip: a small upload can inflate to gigabytes, or hold one cell of 100 MB that the XML parser would
 * build in memory whole. So before the reader sees an uploaded XLSX (written to disk), this reads the zip's central
 * directory and refuses declared sizes over the limits, then inflates every part once as a stream, counting the bytes
 * it really gives (declared sizes can lie) and the longest run of XML text, stopping at the first limit passed. Memory
 * stays that of one inflate window, whatever the file.
 */

/** Not a zip as XLSX files are written (400 `invalid_file`). */
export class ZipInvalidError extends Error {}

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressed: number;
  uncompressed: number;
  localOffset: number;
  /** Where its compressed bytes begin (after its local header). */
  dataStart: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const MB = 1024 * 1024;

const mib = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MiB`;

/** Checks the XLSX at `path` against `limits`; throws one of the errors above, or returns its inflated size. */
export async function guardXlsx(path: string, limits: ImportLimits): Promise<number> {
  const file = await open(path, 'r');
  let entries: Entry[];
  let centralStart: number;
  try {
    ({ entries, centralStart } = await centralDirectory(file));
    await checkContiguous(file, entries, centralStart);
  } finally {
    await file.close();
  }
  const declared = entries.reduce((sum, e) => sum + e.uncompressed, 0);
  if (declared > limits.maxInflatedBytes) throw tooLarge(`its parts declare ${mib(declared)} uncompressed`, limits);
  for (const e of entries) {
    // Deflate gives at most ~1032 bytes per byte; a part that says it inflates more than the ratio allows is a bomb.
    if (e.uncompressed > MB && e.uncompressed > limits.maxInflateRatio * Math.max(e.compressed, 1)) {
      throw tooLarge(
        `${e.name} declares ${Math.round(e.uncompressed / Math.max(e.compressed, 1))} times its compressed size`,
        limits,
        'ratio',
      );
    }
  }
  const strings = entries.find((e) => e.name === 'xl/sharedStrings.xml');
  if (strings && strings.uncompressed > limits.maxSharedStringsBytes) throw sharedStringsTooLarge(limits);
  let inflated = 0;
  for (const e of entries) inflated += await inflateCounting(path, e, limits, inflated);
  return inflated;
}

function sharedStringsTooLarge(limits: ImportLimits): FileLimitError {
  return new FileLimitError(
    'file_too_large',
    `文件的共享字符串超过 ${mib(limits.maxSharedStringsBytes)}（IMPORT_MAX_SHARED_STRINGS_BYTES） / the XLSX's shared strings, held in memory ` +
      `while it is read, pass ${mib(limits.maxSharedStringsBytes)} (IMPORT_MAX_SHARED_STRINGS_BYTES); split the file`,
  );
}

function tooLarge(what: string, limits: ImportLimits, which: 'size' | 'ratio' = 'size'): FileLimitError {
  return which === 'size'
    ? new FileLimitError(
        'file_too_large',
        `文件解压后超过 ${mib(limits.maxInflatedBytes)}（IMPORT_MAX_INFLATED_BYTES） / the XLSX inflates past ${mib(limits.maxInflatedBytes)} ` +
          `(IMPORT_MAX_INFLATED_BYTES): ${what}; split the file`,
      )
    : new FileLimitError(
        'file_too_large',
        `文件压缩比超过 ${limits.maxInflateRatio}（IMPORT_MAX_INFLATE_RATIO） / the XLSX is compressed more than ${limits.maxInflateRatio} to 1 ` +
          `(IMPORT_MAX_INFLATE_RATIO): ${what}`,
      );
}

async function readAt(file: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

async function centralDirectory(file: Awaited<ReturnType<typeof open>>): Promise<{ entries: Entry[]; centralStart: number }> {
  const { size } = await file.stat();
  // The end record is 22 bytes and a comment of up to 64 KiB.
  const tailStart = Math.max(0, size - 22 - 0xffff);
  const tail = await readAt(file, tailStart, size - tailStart);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipInvalidError('not a zip archive (no end of central directory)');
  let count = tail.readUInt16LE(at + 10);
  let centralSize = tail.readUInt32LE(at + 12);
  let centralStart = tail.readUInt32LE(at + 16);
  if (count === 0xffff || centralSize === 0xffffffff || centralStart === 0xffffffff) {
    // ZIP64: the locator sits just before the end record and points to the ZIP64 end record.
    const locatorAt = tailStart + at - 20;
    const locator = locatorAt >= 0 ? await readAt(file, locatorAt, 20) : Buffer.alloc(0);
    if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_EOCD_LOCATOR)
      throw new ZipInvalidError('a ZIP64 archive without its locator');
    const record = await readAt(file, Number(locator.readBigUInt64LE(8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipInvalidError('a ZIP64 archive without its end record');
    count = Number(record.readBigUInt64LE(32));
    centralSize = Number(record.readBigUInt64LE(40));
    centralStart = Number(record.readBigUInt64LE(48));
  }
  if (centralStart + centralSize > size) throw new ZipInvalidError('its central directory lies past the end of the file');
  // An XLSX has tens of parts; the directory of a file with millions would itself be a way to use memory.
  if (count > 10_000 || centralSize > 16 * MB) throw new ZipInvalidError(`too many parts in the archive (${count})`);
  const dir = await readAt(file, centralStart, centralSize);
  const entries: Entry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipInvalidError('a broken central directory');
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const entry: Entry = {
      flags: dir.readUInt16LE(p + 8),
      method: dir.readUInt16LE(p + 10),
      compressed: dir.readUInt32LE(p + 20),
      uncompressed: dir.readUInt32LE(p + 24),
      localOffset: dir.readUInt32LE(p + 42),
      dataStart: 0,
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
    };
    zip64Sizes(entry, dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, centralStart };
}

/** Sizes and offset that did not fit in 32 bits, from the ZIP64 extra field (in this order, only those that did not). */
function zip64Sizes(e: Entry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        const v = q + 8 <= p + 4 + length ? Number(extra.readBigUInt64LE(q)) : undefined;
        q += 8;
        return v;
      };
      if (e.uncompressed === 0xffffffff) e.uncompressed = next() ?? e.uncompressed;
      if (e.compressed === 0xffffffff) e.compressed = next() ?? e.compressed;
      if (e.localOffset === 0xffffffff) e.localOffset = next() ?? e.localOffset;
      return;
    }
    p += 4 + length;
  }
}

/**
 * The XLSX reader reads the parts one after another from their local headers, not from the directory: a part hidden
 * between the ones the directory lists would be read unchecked. So the parts must follow one another with nothing
 * between them (a data descriptor at most), as every spreadsheet program writes them.
 */
async function checkContiguous(file: Awaited<ReturnType<typeof open>>, entries: Entry[], centralStart: number): Promise<void> {
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  let expected = 0;
  for (const e of byOffset) {
    const gap = e.localOffset - expected;
    // After a part with its sizes in a data descriptor: 12 to 24 bytes, with or without its signature, ZIP64 or not.
    if (!(gap === 0 || (expected > 0 && gap >= 12 && gap <= 24))) throw new ZipInvalidError(`unlisted bytes before ${e.name}`);
    const local = await readAt(file, e.localOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw new ZipInvalidError(`a broken local header for ${e.name}`);
    const dataStart = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    e.dataStart = dataStart;
    expected = dataStart + e.compressed;
  }
  const gap = centralStart - expected;
  if (!(gap === 0 || (entries.length > 0 && gap >= 12 && gap <= 24)))
    throw new ZipInvalidError('unlisted bytes before the central directory');
}

const LT = 0x3c;
const GT = 0x3e;

/** Inflates one part as a stream; counts its bytes (against what the whole file may give) and its longest XML run. */
async function inflateCounting(path: string, e: Entry, limits: ImportLimits, before: number): Promise<number> {
  const dataStart = e.dataStart;
  if (e.compressed === 0) return 0;
  const raw = createReadStream(path, { start: dataStart, end: dataStart + e.compressed - 1 });
  const stored = e.method === 0;
  if (!stored && e.method !== 8) throw new ZipInvalidError(`${e.name} is compressed in a way XLSX files are not (method ${e.method})`);
  const source = stored ? raw : raw.pipe(createInflateRaw());
  raw.on('error', (err) => source.destroy(err));
  const xml = /\.(xml|rels)$/i.test(e.name);
  // A cell of maxCellChars characters: at most 4 bytes each in UTF-8, or an entity such as &#x1F600; (10) for two.
  const maxRun = limits.maxCellChars * 6 + 1024;
  let bytes = 0;
  let run = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (before + bytes > limits.maxInflatedBytes) throw tooLarge(`${e.name} inflates to more than it declared`, limits);
      if (e.name === 'xl/sharedStrings.xml' && bytes > limits.maxSharedStringsBytes) throw sharedStringsTooLarge(limits);
      if (!xml) continue;
      run = longestRun(chunk, run, maxRun);
      if (run > maxRun) {
        throw new FileLimitError(
          'cell_too_large',
          `单元格超过 ${limits.maxCellChars} 个字符（IMPORT_MAX_CELL_CHARS） / ${e.name} holds a text longer than a cell may be ` +
            `(${limits.maxCellChars} characters, IMPORT_MAX_CELL_CHARS)`,
        );
      }
    }
  } catch (err) {
    if (err instanceof FileLimitError) throw err;
    throw new ZipInvalidError(`${e.name} cannot be inflated: ${(err as Error).message}`);
  } finally {
    raw.destroy();
    source.destroy();
  }
  return bytes;
}

/**
 * The stretch without < or > (a text node or a tag, which the XML parser holds whole) that ends this chunk, given the
 * one that ended the chunk before; past `maxRun`, a number over it. A chunk no longer than `maxRun` cannot hold a
 * stretch over it between two of its own delimiters, so only its ends are looked at (natively, not byte by byte).
 */
export function longestRun(chunk: Buffer, run: number, maxRun: number): number {
  if (chunk.length > maxRun) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LT || b === GT) run = 0;
      else if (++run > maxRun) return run;
    }
    return run;
  }
  const lt = chunk.indexOf(LT);
  const gt = chunk.indexOf(GT);
  if (lt < 0 && gt < 0) return run + chunk.length;
  const first = lt < 0 ? gt : gt < 0 ? lt : Math.min(lt, gt);
  if (run + first > maxRun) return run + first;
  const last = Math.max(chunk.lastIndexOf(LT), chunk.lastIndexOf(GT));
  return chunk.length - 1 - last;
}
