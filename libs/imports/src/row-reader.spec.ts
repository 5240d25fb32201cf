import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { FileEncodingError, readingAgain, readRows, UnreadableFileError, XLSX_READ_ATTEMPTS } from './row-reader';
import { InvalidText } from './text-encoding';

/** Reads that go as scripted, one script per attempt: rows, or an error thrown after the rows before it. */
function scripted(attempts: Array<Array<unknown[] | Error>>) {
  let made = 0;
  const read = async function* (): AsyncGenerator<unknown[]> {
    const script = attempts[made++] ?? [];
    for (const step of script) {
      if (step instanceof Error) throw step;
      yield step;
    }
  };
  return { read, made: () => made };
}

const collect = async (rows: AsyncGenerator<unknown[]>) => {
  const out: unknown[][] = [];
  for await (const r of rows) out.push(r);
  return out;
};

const LOST = [{ sharedString: 0 }, { sharedString: 1 }];

describe('readingAgain (the XLSX reader losing parts of the archive)', () => {
  it('reads again when the read fails before its first row, and gives the rows of the read that worked', async () => {
    const s = scripted([[new TypeError("Cannot read properties of undefined (reading 'sheets')")], [['studentId'], ['S1']]]);
    await expect(collect(readingAgain(s.read))).resolves.toEqual([['studentId'], ['S1']]);
    expect(s.made()).toBe(2);
  });

  it('reads again when the first row points into shared strings that were not read', async () => {
    const s = scripted([
      [LOST, ['S1']],
      [
        ['studentId', 'programCode'],
        ['S1', 'P1'],
      ],
    ]);
    await expect(collect(readingAgain(s.read))).resolves.toEqual([
      ['studentId', 'programCode'],
      ['S1', 'P1'],
    ]);
    expect(s.made()).toBe(2);
  });

  it(`refuses the file after ${XLSX_READ_ATTEMPTS} failed reads`, async () => {
    const s = scripted(Array.from({ length: XLSX_READ_ATTEMPTS + 1 }, () => [LOST]));
    await expect(collect(readingAgain(s.read))).rejects.toThrow(UnreadableFileError);
    expect(s.made()).toBe(XLSX_READ_ATTEMPTS);
  });

  it('fails, never reads again, once rows went out: a lost string later refuses the file rather than give it', async () => {
    const s = scripted([
      [['studentId'], ['S1'], [{ sharedString: 5 }]],
      [['studentId'], ['S1'], ['S2']],
    ]);
    const seen: unknown[][] = [];
    await expect(
      (async () => {
        for await (const r of readingAgain(s.read)) seen.push(r);
      })(),
    ).rejects.toThrow(/shared strings were not read/);
    expect(seen).toEqual([['studentId'], ['S1']]);
    expect(s.made()).toBe(1);
  });

  it('gives nothing for an empty sheet', async () => {
    await expect(collect(readingAgain(scripted([[]]).read))).resolves.toEqual([]);
  });
});

describe('readRows (CSV): the encoding decided from the whole file', () => {
  /** The bytes in chunks of `size`, as an upload comes. */
  const upload = (bytes: Buffer, size = 16_384) =>
    Readable.from(
      (function* () {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      })(),
    );
  const csv = (bytes: Buffer, encoding?: string, size?: number) => collect(readRows(upload(bytes, size), 'csv', encoding));
  const asciiRows = (n: number) => Array.from({ length: n }, (_, i) => `P${String(i).padStart(5, '0')},Program ${i}`).join('\r\n');

  it('reads GB18030 whose Chinese comes after more than 64 KiB of ASCII as GB18030', async () => {
    const text = `code,name\r\n${asciiRows(5000)}\r\nZ1,石油化工技术\r\n`;
    expect(Buffer.byteLength(text) - 20).toBeGreaterThan(65_536);
    const rows = await csv(iconv.encode(text, 'gb18030'));
    expect(rows).toHaveLength(5002);
    expect(rows.at(-1)).toEqual(['Z1', '石油化工技术']);
  });

  it('reads UTF-8, with or without BOM, also with characters cut between chunks', async () => {
    const text = 'code,name\r\nA,纺织品检验与贸易\r\nB,"旅游,管理"\r\n';
    for (const bytes of [Buffer.from(text), Buffer.from(`\uFEFF${text}`)]) {
      await expect(csv(bytes, undefined, 1)).resolves.toEqual([
        ['code', 'name'],
        ['A', '纺织品检验与贸易'],
        ['B', '旅游,管理'],
      ]);
    }
  });

  it('reads UTF-16 with its byte order mark', async () => {
    const text = 'code,name\r\nA,石油化工技术\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    for (const bytes of [le, be])
      await expect(csv(bytes, undefined, 3)).resolves.toEqual([
        ['code', 'name'],
        ['A', '石油化工技术'],
      ]);
  });

  it('refuses a file valid in neither UTF-8 nor GB18030, wherever the bad bytes are', async () => {
    const bad = Buffer.concat([
      Buffer.from(`code,name\r\nA,石油化工技术\r\n${asciiRows(3000)}\r\nB,`),
      Buffer.from([0xff]),
      Buffer.from('\r\n'),
    ]);
    await expect(csv(bad)).rejects.toThrow(FileEncodingError);
    await expect(csv(bad)).rejects.toThrow(/文件编码无法识别.*neither valid UTF-8 nor GB18030/);
  });

  it('with an encoding given, a cell whose bytes are not valid in it is InvalidText, and the other cells are text', async () => {
    const bytes = Buffer.concat([Buffer.from('code,name\r\nA,石油\r\nB,'), Buffer.from([0xe7, 0xff]), Buffer.from(',x\r\nC,化工\r\n')]);
    await expect(csv(bytes, 'utf-8')).resolves.toEqual([
      ['code', 'name'],
      ['A', '石油'],
      ['B', new InvalidText('UTF-8'), 'x'],
      ['C', '化工'],
    ]);
    const gb = Buffer.concat([iconv.encode('code,name\r\nA,石油\r\n', 'gb18030'), Buffer.from('B,\x81,\r\n', 'latin1')]);
    await expect(csv(gb, 'GB18030')).resolves.toEqual([
      ['code', 'name'],
      ['A', '石油'],
      ['B', new InvalidText('GB18030'), ''],
    ]);
  });

  it('with an encoding given, skips only its own byte order mark', async () => {
    const bom = Buffer.from('\uFEFFcode\r\nA\r\n');
    await expect(csv(bom, 'utf-8')).resolves.toEqual([['code'], ['A']]);
    // Read in the encoding given, another encoding's mark is not text in it.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('code\r\nA\r\n')]);
    await expect(csv(utf16, 'utf-8')).resolves.toEqual([[new InvalidText('UTF-8')], ['A']]);
  });

  it('gives a cut upload as unreadable, detected or not', async () => {
    const failing = () =>
      Readable.from(
        (async function* () {
          yield Buffer.from('code,name\r\nA,B\r\n');
          throw new UnreadableFileError('the upload ended before its file did');
        })(),
      );
    await expect(collect(readRows(failing(), 'csv'))).rejects.toThrow(/the upload ended/);
    await expect(collect(readRows(failing(), 'csv', 'utf-8'))).rejects.toThrow(/the upload ended/);
  });
});

describe('the XLSX reader leaves no temporary file behind', () => {
  it('removes the file exceljs writes a sheet to (one before its shared strings), read whole or stopped early', async () => {
    const { mkdtemp, readdir, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createReadStream } = await import('node:fs');
    const ExcelJS = (await import('exceljs')).default;
    const dir = await mkdtemp(join(tmpdir(), 'sheet-first-'));
    try {
      const path = join(dir, 'sheet-first.xlsx');
      // The streaming writer with shared strings puts the sheet before them in the archive, as many writers do.
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
      const sheet = wb.addWorksheet('programs');
      for (let i = 0; i < 200; i++) sheet.addRow([`P${i}`, '专业']).commit();
      sheet.commit();
      await wb.commit();
      const readerFiles = async () => (await readdir(tmpdir())).filter((n) => n.startsWith(`tmp-${process.pid}-`));
      const before = await readerFiles();
      expect(await collect(readRows(createReadStream(path), 'xlsx'))).toHaveLength(200);
      for await (const row of readRows(createReadStream(path), 'xlsx')) {
        expect(row).toEqual(['P0', '专业']);
        break;
      }
      await new Promise((r) => setTimeout(r, 100)); // tmp removes its files asynchronously
      expect(await readerFiles()).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
