import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { xlsxWithHugeCell } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = 'code,name,category,level,sectors,status';
const row = (code: string, name = 'Program') => `${code},${name},46,higher_vocational,mining,open`;

describe('import limits: inflated size, rows and cell size (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;
  beforeAll(async () => {
    // Small row and cell limits, so that the files passing them stay small; the inflated-size limits are the defaults.
    stack = await startStack({ services: ['enrollment'], env: { IMPORT_MAX_ROWS: '3', IMPORT_MAX_CELL_CHARS: '40' } });
    db = new Client({ connectionString: stack.databases.enrollment });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const upload = async (body: Buffer | string, contentType = 'text/csv', query = '') => {
    const res = await fetch(`${stack.urls.enrollment}/imports/programs${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const programs = async () => Number((await db.query(`SELECT count(*) AS n FROM programs`)).rows[0].n);

  it('a file with more data rows than IMPORT_MAX_ROWS fails whole with 400 too_many_rows and writes nothing', async () => {
    const importId = randomUUID();
    const ok = await upload([HEADER, row('ROWS1'), row('ROWS2'), row('ROWS3'), ''].join('\r\n'));
    expect(ok.body).toMatchObject({ status: 'completed', rows: { created: 3 } });
    const before = await programs();
    const res = await upload(
      [HEADER, row('ROWS4'), row('ROWS5'), row('ROWS6'), row('ROWS7'), ''].join('\r\n'),
      'text/csv',
      `?importId=${importId}`,
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'too_many_rows', errors: [{ field: 'file' }] });
    expect(res.body.message).toMatch(/^文件超过 3 行数据（IMPORT_MAX_ROWS） \/ the file has more than 3 data rows/);
    expect(await programs()).toBe(before);
    expect((await stack.enrollment.get(`/imports/${importId}`)).body).toMatchObject({ status: 'failed', message: res.body.message });
  });

  it('a cell longer than IMPORT_MAX_CELL_CHARS is a row error naming row and column; a far longer row fails the file', async () => {
    const res = await upload([HEADER, row('CELL1', 'x'.repeat(40)), row('CELL2', '长'.repeat(41)), ''].join('\r\n'));
    expect(res.body).toMatchObject({ status: 'completed', rows: { created: 1, failed: 1 } });
    expect(res.body.errors).toEqual([
      {
        row: 3,
        column: 'name',
        title: 'name',
        message: expect.stringMatching(/^单元格有 41 个字符，超过 40.* \/ the cell has 41 characters, more than 40/),
        message_zh: '第 3 行「name」：单元格有 41 个字符，超过 40',
      },
    ]);
    // Past what a row of such cells can be, csv-parse stops buffering it: the file fails, never held whole.
    const huge = await upload([HEADER, row('CELL3', 'y'.repeat(1_000_000)), ''].join('\r\n'));
    expect(huge).toMatchObject({ status: 400, body: { error: 'cell_too_large', errors: [{ field: 'file' }] } });
    expect((await stack.enrollment.get('/programs/CELL3')).status).toBe(404);
  });

  it('refuses a ~100 KB XLSX whose one cell inflates to 100 MB, without inflating it, and goes on serving', async () => {
    const bomb = await xlsxWithHugeCell(HEADER.split(','), 100 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(200 * 1024);
    // The same cell with its sheet's size declared as 1 KB: found while inflating, by the length of its text.
    const liar = await xlsxWithHugeCell(HEADER.split(','), 100 * 1024 * 1024, { declaredSheetSize: 1024 });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const declared = await upload(bomb, XLSX);
      expect(declared).toMatchObject({ status: 400, body: { error: 'file_too_large', errors: [{ field: 'file' }] } });
      expect(declared.body.message).toMatch(/IMPORT_MAX_INFLATE_RATIO/);
      const lying = await upload(liar, XLSX);
      expect(lying).toMatchObject({ status: 400, body: { error: 'cell_too_large', errors: [{ field: 'file' }] } });
    } finally {
      clearInterval(sampler);
    }
    // Loosely: the service (in this process) never came near holding the 100 MB cell.
    expect(peak - before).toBeLessThan(60 * 1024 * 1024);
    expect((await upload([HEADER, row('AFTER1'), ''].join('\r\n'))).body).toMatchObject({ status: 'completed', rows: { created: 1 } });
    // Their temporary folders were removed (the service runs in this process).
    expect((await readdir(tmpdir())).filter((n) => n.startsWith(`chanjiao-xlsx-${process.pid}-`))).toEqual([]);
  });
});
