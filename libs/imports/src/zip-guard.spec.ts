import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { makeZip, xlsxWithHugeCell } from '@chanjiao/testing';
import { DEFAULT_IMPORT_LIMITS, FileLimitError, ImportLimits } from './import-limits';
import { guardXlsx, longestRun, ZipInvalidError } from './zip-guard';

describe('guardXlsx (zip bombs and giant cells, refused before the XLSX reader inflates them)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-guard-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const guard = async (bytes: Buffer, limits: Partial<ImportLimits> = {}) => {
    const path = join(dir, `f${Math.random()}.xlsx`);
    await writeFile(path, bytes);
    return guardXlsx(path, { ...DEFAULT_IMPORT_LIMITS, ...limits });
  };
  const refusal = async (bytes: Buffer, limits: Partial<ImportLimits> = {}) => {
    const e = await guard(bytes, limits).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(e instanceof FileLimitError)) throw new Error(`expected a FileLimitError, got ${String(e)}`);
    return e;
  };

  it('passes a real XLSX and gives the bytes it inflates to', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('programs');
    sheet.addRow(['code', 'name']);
    for (let i = 0; i < 2000; i++) sheet.addRow([`P${i}`, `专业 ${i}`]);
    const inflated = await guard(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(inflated).toBeGreaterThan(2000 * 30);
  });

  it('refuses a 100 MB cell in a ~100 KB file by its ratio, from the central directory alone', async () => {
    const bomb = await xlsxWithHugeCell(['code'], 100 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const e = await refusal(bomb);
    expect(e.code).toBe('file_too_large');
    expect(e.message).toMatch(/^文件压缩比超过 200.* \/ the XLSX is compressed more than 200 to 1 \(IMPORT_MAX_INFLATE_RATIO\)/);
  });

  it('refuses the same cell when the ratio is allowed, or its size a lie, by the text run it counts while inflating', async () => {
    const bomb = await xlsxWithHugeCell(['code'], 100 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    expect((await refusal(bomb, { maxInflateRatio: 10_000 })).code).toBe('cell_too_large');
    const liar = await xlsxWithHugeCell(['code'], 100 * 1024 * 1024, { declaredSheetSize: 1000 });
    const e = await refusal(liar);
    expect(e.code).toBe('cell_too_large');
    expect(e.message).toMatch(/^单元格超过 32767 个字符.* \/ xl\/worksheets\/sheet1.xml holds a text longer than a cell may be/);
    // Inflated as a stream and stopped at the limit: nothing near 100 MB was held.
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a file that declares, or really inflates to, more than IMPORT_MAX_INFLATED_BYTES', async () => {
    const rows = () => Array.from({ length: 50 }, () => Buffer.from('<row><c><v>1</v></c></row>'.repeat(2000)));
    const honest = await makeZip([{ name: 'xl/worksheets/sheet1.xml', chunks: rows }]);
    const declared = await refusal(honest, { maxInflatedBytes: 1_000_000 });
    expect(declared.code).toBe('file_too_large');
    expect(declared.message).toMatch(/declare 2\.5 MiB uncompressed/);
    const liar = await makeZip([{ name: 'xl/worksheets/sheet1.xml', chunks: rows, declaredSize: 10 }]);
    const counted = await refusal(liar, { maxInflatedBytes: 1_000_000 });
    expect(counted.message).toMatch(/inflates to more than it declared/);
    // Within the limit, it passes.
    await expect(guard(liar, { maxInflatedBytes: 3_000_000 })).resolves.toBe(2_600_000);
  });

  it('refuses shared strings past IMPORT_MAX_SHARED_STRINGS_BYTES (held in memory while the sheet is read)', async () => {
    const strings = () => Array.from({ length: 20 }, (_, i) => Buffer.from(`<si><t>s${i}</t></si>`.repeat(10_000)));
    const zip = await makeZip([{ name: 'xl/sharedStrings.xml', chunks: strings, declaredSize: 100 }]);
    expect((await refusal(zip, { maxSharedStringsBytes: 1_000_000 })).message).toMatch(/IMPORT_MAX_SHARED_STRINGS_BYTES/);
  });

  it('refuses bytes the central directory does not list (a part the streaming reader would read unchecked)', async () => {
    const one = await makeZip([{ name: 'a.xml', chunks: () => [Buffer.from('<a/>')] }]);
    const hidden = await makeZip([{ name: 'xl/sharedStrings.xml', chunks: () => [Buffer.from('<sst/>')] }]);
    // A whole local part put before the listed one, the directory's offsets moved past it.
    const localEnd = one.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const hiddenLocal = hidden.subarray(0, hidden.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    const dir = Buffer.from(one.subarray(localEnd));
    dir.writeUInt32LE(hiddenLocal.length, 42);
    dir.writeUInt32LE(localEnd + hiddenLocal.length, dir.length - 6);
    const crafted = Buffer.concat([hiddenLocal, one.subarray(0, localEnd), dir]);
    await expect(guard(crafted)).rejects.toThrow(ZipInvalidError);
    await expect(guard(Buffer.from('not a zip at all'))).rejects.toThrow(ZipInvalidError);
  });

  it('longestRun finds a stretch without < or > across chunks, short chunks by their ends and long ones byte by byte', () => {
    const b = (s: string) => Buffer.from(s);
    expect(longestRun(b('<a>xyz'), 0, 100)).toBe(3);
    expect(longestRun(b('abc</a>'), 3, 100)).toBe(0);
    expect(longestRun(b('aaaa'), 98, 100)).toBe(102);
    expect(longestRun(b('aa<'), 99, 100)).toBe(101);
    expect(longestRun(b('<' + 'a'.repeat(20) + '>bb'), 0, 10)).toBeGreaterThan(10);
    expect(longestRun(b('<' + 'a'.repeat(8) + '>bb'), 0, 10)).toBe(2);
  });
});
