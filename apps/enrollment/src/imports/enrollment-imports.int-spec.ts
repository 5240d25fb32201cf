import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Client } from 'pg';
import { allPages, expectEventually, httpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('spreadsheet imports (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment'] });
    db = new Client({ connectionString: stack.databases.enrollment });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const upload = async (entity: string, body: Buffer | string, contentType = 'text/csv', query = '', key = stack.writerKey) => {
    const res = await fetch(`${stack.urls.enrollment}/imports/${entity}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it('imports a UTF-8 CSV with BOM; bad rows are listed by row number and column; a re-import changes nothing', async () => {
    const csv = [
      '\uFEFFcode,name,category,cluster,level,sectors,status',
      '480101,纺织品检验与贸易,48,纺织服装,higher_vocational,textiles,open',
      '470201,应用化工技术,47,"石油石化",higher_vocational,chemical_materials;green_energy,open',
      '470202,bad level,47,,doctorate,textiles,open',
      '470203,bad sector,4,,higher_vocational,space,open',
      '',
    ].join('\r\n');
    const first = await upload('programs', csv);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'completed', rows: { done: 4, created: 2, updated: 0, unchanged: 0, failed: 2 } });
    expect(first.body.errors).toEqual([
      {
        row: 4,
        column: 'level',
        title: 'level',
        message: expect.stringContaining('level'),
        message_zh:
          '第 4 行「level」：「doctorate」不是可选的值；可填：中职（secondary）、高职专科（higher_vocational）、职业本科（undergraduate）',
      },
      {
        row: 5,
        column: 'category',
        title: 'category',
        message: expect.any(String),
        message_zh: expect.stringMatching(/^第 5 行「category」：/),
      },
      {
        row: 5,
        column: 'sectors',
        title: 'sectors',
        message: expect.any(String),
        message_zh: expect.stringMatching(/^第 5 行「sectors」：「space」/),
      },
    ]);
    const outbox = await count('outbox');
    const again = await upload('programs', csv);
    expect(again.body.rows).toMatchObject({ created: 0, unchanged: 2, failed: 2 });
    expect(await count('outbox')).toBe(outbox);
    expect((await stack.enrollment.get('/programs/470201')).body.sectors).toEqual(['chemical_materials', 'green_energy']);
  });

  it('reads GB18030 CSV (as Chinese Excel writes it) and XLSX', async () => {
    const gb = iconv.encode(
      'code,name,category,level,sectors,status\r\n510101,旅游管理,54,higher_vocational,culture_tourism,open\r\n',
      'gb18030',
    );
    const r1 = await upload('programs', gb);
    expect(r1.body.rows).toMatchObject({ created: 1, failed: 0 });
    expect((await stack.enrollment.get('/programs/510101')).body.name).toBe('旅游管理');

    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('enrollments');
    sheet.addRow(['studentId', 'programCode', 'cohortYear', 'level', 'pathway', 'apprenticeship', 'originRegion']);
    sheet.addRow(['X2022001', '510101', 2022, 'higher_vocational', 'regular', '是', '652801']);
    sheet.addRow(['X2022002', '510101', 2022, 'higher_vocational', 'regular', false, '652801']);
    sheet.addRow(['X2022003', 'NOPE', 2022, 'higher_vocational', 'regular', false, '']);
    const r2 = await upload('enrollments', Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
    expect(r2.body).toMatchObject({ status: 'completed', rows: { done: 3, created: 2, failed: 1 } });
    expect(r2.body.errors).toEqual([expect.objectContaining({ row: 4, column: 'programCode', code: 'unknown_program' })]);
    expect((await stack.enrollment.get('/enrollments/X2022001')).body.apprenticeship).toBe(true);
  });

  describe('the encoding, decided from the whole file', () => {
    const header = 'code,name,category,cluster,level,sectors,status';
    /**
     * Over 256 KiB of ASCII program rows, which read the same in UTF-8 and GB18030: well past what a look at the start
     * of an upload (which comes in pieces of up to 64 KiB) would see.
     */
    const asciiRows = (prefix: string) =>
      Array.from(
        { length: 1500 },
        (_, i) => `${prefix}${String(i).padStart(4, '0')},Program number ${i},46,${'Cluster '.repeat(20)},higher_vocational,mining,open`,
      );
    const noFffd = async () =>
      Number((await db.query(`SELECT count(*) AS n FROM programs WHERE name LIKE '%' || chr(65533) || '%'`)).rows[0].n);

    it('reads a GB18030 CSV whose Chinese comes after 64 KiB of ASCII as GB18030', async () => {
      const text = [header, ...asciiRows('GBA'), 'GBZ1,石油化工技术,47,,higher_vocational,chemical_materials,open', ''].join('\r\n');
      expect(text.indexOf('石')).toBeGreaterThan(4 * 65_536);
      const res = await upload('programs', iconv.encode(text, 'gb18030'));
      expect(res.body).toMatchObject({ status: 'completed', rows: { done: 1501, created: 1501, failed: 0 } });
      expect((await stack.enrollment.get('/programs/GBZ1')).body.name).toBe('石油化工技术');
      expect((await db.query(`SELECT name FROM programs WHERE code = 'GBZ1'`)).rows[0].name).toBe('石油化工技术');
    });

    it('reads plain UTF-8 (no BOM) whose Chinese comes late, and UTF-16 with its BOM', async () => {
      const text = [header, ...asciiRows('U8A'), 'U8Z1,纺织品检验与贸易,48,,higher_vocational,textiles,open', ''].join('\r\n');
      expect((await upload('programs', text)).body.rows).toMatchObject({ created: 1501, failed: 0 });
      expect((await stack.enrollment.get('/programs/U8Z1')).body.name).toBe('纺织品检验与贸易');
      const utf16 = `\uFEFF${header}\r\nU16,现代农业技术,41,,higher_vocational,modern_agriculture,open\r\n`;
      expect((await upload('programs', Buffer.from(utf16, 'utf16le'))).body.rows).toMatchObject({ created: 1, failed: 0 });
      expect((await stack.enrollment.get('/programs/U16')).body.name).toBe('现代农业技术');
    });

    // Valid UTF-8 and a byte valid in neither UTF-8 nor GB18030, after 64 KiB.
    const mixed = Buffer.concat([
      Buffer.from(
        [header, 'MXA1,应用化工技术,47,,higher_vocational,chemical_materials,open', ...asciiRows('MXB'), 'MXC1,化工'].join('\r\n'),
      ),
      Buffer.from([0xff]),
      Buffer.from(',47,,higher_vocational,chemical_materials,open\r\nMXD1,绿色能源,47,,higher_vocational,green_energy,open\r\n'),
    ]);

    it('refuses a file valid in neither UTF-8 nor GB18030 with 400 naming encoding, and writes nothing', async () => {
      const [programs, outbox] = [await count('programs'), await count('outbox')];
      const importId = randomUUID();
      const res = await upload('programs', mixed, 'text/csv', `?importId=${importId}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_encoding', errors: [{ field: 'encoding' }] });
      expect(res.body.message).toMatch(/^文件编码无法识别 \/ the file is neither valid UTF-8 nor GB18030/);
      expect([await count('programs'), await count('outbox')]).toEqual([programs, outbox]);
      expect((await stack.enrollment.get(`/imports/${importId}`)).body).toMatchObject({ status: 'failed', message: res.body.message });
    });

    it('with encoding=utf-8 given, the bytes not valid in it are a row error and their text is not stored', async () => {
      const res = await upload('programs', mixed, 'text/csv', '?encoding=utf-8');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'completed', rows: { done: 1503, created: 1502, failed: 1 } });
      expect(res.body.errors).toEqual([
        {
          row: 1503,
          column: 'name',
          title: 'name',
          message: 'the text is not valid UTF-8',
          message_zh: '第 1503 行「name」：文字不是有效的 UTF-8 编码',
        },
      ]);
      expect((await stack.enrollment.get('/programs/MXC1')).status).toBe(404);
      expect((await stack.enrollment.get('/programs/MXA1')).body.name).toBe('应用化工技术');
      expect((await stack.enrollment.get('/programs/MXD1')).body.name).toBe('绿色能源');
      expect(await noFffd()).toBe(0);
    });

    it('with a GB18030 file declared as UTF-8, its Chinese rows are row errors, never mojibake', async () => {
      const text = [
        header,
        'DCA1,Ascii name,46,,higher_vocational,mining,open',
        'DCB1,旅游管理,54,,higher_vocational,culture_tourism,open',
        '',
      ];
      const res = await upload('programs', iconv.encode(text.join('\r\n'), 'gb18030'), 'text/csv', '?encoding=UTF-8');
      expect(res.body).toMatchObject({
        rows: { created: 1, failed: 1 },
        errors: [{ row: 3, column: 'name', title: 'name', message: 'the text is not valid UTF-8', message_zh: expect.any(String) }],
      });
      expect((await stack.enrollment.get('/programs/DCB1')).status).toBe(404);
      // Its header not valid in the encoding given: the encoding is wrong, the file refused.
      const badHeader = Buffer.concat([Buffer.from('code,name,'), iconv.encode('类别', 'gb18030'), Buffer.from('\r\n')]);
      const refused = await upload('programs', badHeader, 'text/csv', '?encoding=utf-8');
      expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_encoding', errors: [{ field: 'encoding' }] } });
      expect(await noFffd()).toBe(0);
    });
  });

  it('a file with unknown or missing columns is refused whole, with 400 naming them', async () => {
    const before = await count('programs');
    const res = await upload('programs', 'code,name,colour\r\nA,B,red\r\n');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_header', errors: [{ field: 'file' }] });
    expect(res.body.message).toMatch(/unknown column "colour".*missing columns: category, level, sectors, status/);
    expect(await count('programs')).toBe(before);
    expect((await upload('nonsense', 'a\r\n')).status).toBe(404);
  });

  it('takes a header with an unnamed column (a trailing comma) and names the first fault of a cell', async () => {
    await upload('programs', 'code,name,category,level,sectors,status,\r\nTC1,Trailing,46,higher_vocational,mining,open,\r\n');
    const res = await upload(
      'enrollments',
      'studentId,programCode,cohortYear,level,pathway,\r\nTC2022001,TC1,2022,higher_vocational,regular,\r\nTC2022002,TC1,abc,higher_vocational,regular,\r\n' +
        'TC2022003,TC1,2022,higher_vocational,regular,lost?\r\n',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', rows: { done: 3, created: 1, failed: 2 } });
    expect(res.body.errors).toEqual([
      {
        row: 3,
        column: 'cohortYear',
        title: 'cohortYear',
        message: expect.stringMatching(/integer/),
        message_zh: '第 3 行「cohortYear」：「abc」不是整数',
      },
      // A value under the unnamed column is not dropped silently.
      {
        row: 4,
        column: 'column 6',
        title: 'column 6',
        message: 'a value under a column with no name',
        message_zh: '第 4 行「第 6 列」：该列没有标题，却填有值',
      },
    ]);
    expect((await stack.enrollment.get('/enrollments/TC2022001')).status).toBe(200);
  });

  it('a NUL character in a cell is a row error naming its column, never a failed import; in the header, a 400', async () => {
    const csv =
      'code,name,category,level,sectors,status\r\nNUL1,Fine,46,higher_vocational,mining,open\r\n' +
      'NUL2,Bad\u0000name,46,higher_vocational,mining,open\r\nNUL3,Fine too,46,higher_vocational,mining\u0000;textiles,open\r\n';
    const res = await upload('programs', csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', rows: { done: 3, created: 1, failed: 2 } });
    expect(res.body.errors).toEqual([
      {
        row: 3,
        column: 'name',
        title: 'name',
        message: expect.stringMatching(/^name 含有空字符.* \/ name contains a NUL character/),
        message_zh: expect.stringMatching(/^第 3 行「name」：name 含有空字符/),
      },
      { row: 4, column: 'sectors', title: 'sectors', message: expect.stringContaining('NUL'), message_zh: expect.any(String) },
    ]);
    expect((await stack.enrollment.get('/programs/NUL1')).status).toBe(200);
    expect((await stack.enrollment.get('/programs/NUL2')).status).toBe(404);
    const header = await upload('programs', 'code,na\u0000me\r\nA,B\r\n');
    expect(header).toMatchObject({ status: 400, body: { error: 'invalid_header', errors: [{ field: 'file' }] } });
    expect(header.body.message).toContain('column 2');
  });

  it('refuses a broken multipart upload, an unknown encoding and a malformed import id with 400 naming them', async () => {
    const before = await count('enrollments');
    const noBoundary = await upload('enrollments', 'garbage', 'multipart/form-data');
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body).toMatchObject({ error: 'invalid_file', errors: [{ field: 'file' }] });
    // Cut before its closing boundary, past its first 64 KB.
    const rows = ['studentId,programCode,cohortYear,level,pathway'];
    for (let i = 0; i < 3000; i++) rows.push(`CUT${String(i).padStart(6, '0')},BIG,2022,higher_vocational,regular`);
    const cut = `--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n${rows.join('\r\n')}`;
    for (const body of [cut, cut.slice(0, 200)]) {
      const res = await upload('enrollments', body, 'multipart/form-data; boundary=xyz');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_file', errors: [{ field: 'file' }] });
    }
    const encoding = await upload('enrollments', 'studentId\r\n', 'text/csv', '?encoding=klingon');
    expect(encoding.status).toBe(400);
    expect(encoding.body).toMatchObject({ error: 'validation_failed', errors: [{ field: 'encoding' }] });
    const progress = await stack.enrollment.get('/imports/abc');
    expect(progress.status).toBe(400);
    expect(progress.body).toMatchObject({ error: 'validation_failed', errors: [{ field: 'importId' }] });
    expect(await count('enrollments')).toBe(before);
  });

  it('an import id that failed may be used again; one that completed may not', async () => {
    const importId = randomUUID();
    const failed = await upload('programs', 'code,name,colour\r\nA,B,red\r\n', 'text/csv', `?importId=${importId}`);
    expect(failed).toMatchObject({ status: 400, body: { error: 'invalid_header' } });
    expect((await stack.enrollment.get(`/imports/${importId}`)).body.status).toBe('failed');
    const good = 'code,name,category,level,sectors,status\r\nRETRY1,Retried,46,higher_vocational,mining,open\r\n';
    const retried = await upload('programs', good, 'text/csv', `?importId=${importId}`);
    expect(retried).toMatchObject({ status: 200, body: { importId, status: 'completed', rows: { created: 1 } } });
    expect((await stack.enrollment.get(`/imports/${importId}`)).body).toMatchObject({ status: 'completed', rows: { done: 1 } });
    const again = await upload('programs', good, 'text/csv', `?importId=${importId}`);
    expect(again).toMatchObject({ status: 409, body: { error: 'import_exists', errors: [{ field: 'importId' }] } });
  });

  it("import ids are the institution's own: another's id neither conflicts nor shows (404 as for an unknown id)", async () => {
    const other = (await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: `${stack.institution}-OTHER` })).key;
    const otherApi = httpClient(stack.urls.enrollment!, other);
    const importId = randomUUID();
    const csv = (code: string) => `code,name,category,level,sectors,status\r\n${code},Scoped,46,higher_vocational,mining,open\r\n`;
    const mine = await upload('programs', csv('SCOPE1'), 'text/csv', `?importId=${importId}`);
    expect(mine).toMatchObject({ status: 200, body: { importId, status: 'completed', rows: { created: 1 } } });
    // The other institution cannot learn that the id exists: not from GET, not from a conflict.
    const unknownId = randomUUID();
    const seen = await otherApi.get(`/imports/${importId}`);
    const unknown = await otherApi.get(`/imports/${unknownId}`);
    expect(seen.status).toBe(404);
    const { correlationId: _a, ...seenBody } = seen.body;
    const { correlationId: _b, ...unknownBody } = unknown.body;
    expect(seenBody).toEqual(JSON.parse(JSON.stringify(unknownBody).replaceAll(unknownId, importId)));
    const theirs = await upload('programs', csv('SCOPE2'), 'text/csv', `?importId=${importId}`, other);
    expect(theirs).toMatchObject({ status: 200, body: { importId, status: 'completed', rows: { created: 1 } } });
    // Each sees its own import under the id.
    expect((await stack.enrollment.get(`/imports/${importId}`)).body).toMatchObject({ status: 'completed', rows: { created: 1 } });
    expect((await otherApi.get('/imports')).body.items.map((i: { importId: string }) => i.importId)).toEqual([importId]);
  });

  it('at start, marks failed the imports left running by a process that stopped (heartbeat stale), not those of live ones', async () => {
    const [stale, live] = [randomUUID(), randomUUID()];
    await db.query(
      `INSERT INTO import_jobs (institution, id, entity, format, status, owner, heartbeat_at, started_at) VALUES
         ($1, $2, 'programs', 'csv', 'running', 'crashed-instance', now() - interval '10 minutes', now() - interval '20 minutes'),
         ($1, $3, 'programs', 'csv', 'running', 'other-live-instance', now(), now() - interval '20 minutes')`,
      [stack.institution, stale, live],
    );
    await stack.stop('enrollment');
    await stack.start('enrollment');
    await expectEventually(async () => {
      expect((await stack.enrollment.get(`/imports/${stale}`)).body).toMatchObject({
        status: 'failed',
        message: expect.stringMatching(/^导入被中断.* \/ interrupted: the process running the import stopped/),
        finishedAt: expect.any(String),
      });
    });
    expect((await stack.enrollment.get(`/imports/${live}`)).body).toMatchObject({ status: 'running', finishedAt: null });
    await db.query(`UPDATE import_jobs SET status = 'failed' WHERE id = $1`, [live]);
  });

  it('at start, marks failed at once the imports of an earlier process of this host (restarted), not of its live neighbours', async () => {
    // Heartbeats fresh, as just after a crash: an earlier process of this host (a dead pid, or this pid with another
    // instance id, as a restarted container's pid 1) is gone; a live process of this host is not.
    const host = hostname();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const [crashed, samePid, neighbour] = [randomUUID(), randomUUID(), randomUUID()];
    await db.query(
      `INSERT INTO import_jobs (institution, id, entity, format, status, owner, heartbeat_at) VALUES
         ($1, $2, 'programs', 'csv', 'running', $5, now()),
         ($1, $3, 'programs', 'csv', 'running', $6, now()),
         ($1, $4, 'programs', 'csv', 'running', $7, now())`,
      [
        stack.institution,
        crashed,
        samePid,
        neighbour,
        `${host}:${dead}:${randomUUID()}`,
        `${host}:${process.pid}:${randomUUID()}`,
        `${host}:${process.ppid}:${randomUUID()}`,
      ],
    );
    await stack.stop('enrollment');
    await stack.start('enrollment');
    for (const id of [crashed, samePid]) {
      await expectEventually(async () => expect((await stack.enrollment.get(`/imports/${id}`)).body.status).toBe('failed'));
    }
    expect((await stack.enrollment.get(`/imports/${neighbour}`)).body.status).toBe('running');
    await db.query(`UPDATE import_jobs SET status = 'failed' WHERE id = $1`, [neighbour]);
  });

  it('GET /imports pages newest first with limit and cursor; a bad limit or cursor is a 400 naming it', async () => {
    const other = (await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: `${stack.institution}-PAGES` })).key;
    const api = httpClient(stack.urls.enrollment!, other);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(randomUUID());
      await upload('programs', 'code,colour\r\n', 'text/csv', `?importId=${ids[i]}`, other);
    }
    const first = await api.get('/imports?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const walked = await allPages(api, '/imports', 2);
    expect(walked.pages).toBe(3);
    expect(walked.items.map((i: { importId: string }) => i.importId)).toEqual([...ids].reverse());
    expect((await api.get('/imports')).body).toMatchObject({ nextCursor: null });
    for (const limit of ['0', '501', 'abc']) {
      const bad = await api.get(`/imports?limit=${limit}`);
      expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed', errors: [{ field: 'limit' }] } });
    }
    for (const cursor of ['nonsense', Buffer.from('["x","y"]').toString('base64url')]) {
      const bad = await api.get(`/imports?cursor=${cursor}`);
      expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_cursor', errors: [{ field: 'cursor' }] } });
    }
  });

  it('imports many rows in chunks within one transaction, with progress readable by import id', async () => {
    await upload('programs', 'code,name,category,level,sectors,status\r\nBIG,Big program,46,higher_vocational,mining,open\r\n');
    const rows = ['studentId,programCode,cohortYear,level,pathway'];
    for (let i = 0; i < 3500; i++) rows.push(`B${String(i).padStart(6, '0')},BIG,2022,higher_vocational,regular`);
    const importId = randomUUID();
    const res = await upload('enrollments', rows.join('\n'), 'text/csv', `?importId=${importId}`);
    expect(res.body).toMatchObject({ importId, status: 'completed', rows: { done: 3500, created: 3500, failed: 0 } });
    const progress = await stack.enrollment.get(`/imports/${importId}`);
    expect(progress.body).toMatchObject({ status: 'completed', rows: { done: 3500 } });
    expect((await stack.enrollment.get('/imports')).body.items[0].importId).toBe(importId);
    expect(Number((await db.query(`SELECT count(*) AS n FROM outbox WHERE payload->>'subject' LIKE 'B0%'`)).rows[0].n)).toBe(3500);
  });

  it('writes formula-like text behind an apostrophe in the error report (CSV and XLSX), and takes it off on import', async () => {
    const evil = '=HYPERLINK("http://evil.example","click")';
    const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const csv = [
      'code,name,category,level,sectors,status',
      `FX1,${q(evil)},46,higher_vocational,mining,open`,
      `FX2,Bad category,${q('=1+2')},higher_vocational,mining,open`,
      // As an error report or export of ours writes it: the apostrophe comes off, the text is stored as it was.
      `FX3,${q(`'${evil}`)},46,higher_vocational,mining,open`,
      `FX4,${q("'plain")},46,higher_vocational,mining,open`,
      '',
    ].join('\r\n');
    const importId = randomUUID();
    const res = await upload('programs', csv, 'text/csv', `?importId=${importId}`);
    expect(res.body).toMatchObject({ status: 'completed', rows: { created: 3, failed: 1 } });
    // The JSON view is as before: no values.
    expect(res.body.errors).toEqual([
      { row: 3, column: 'category', title: 'category', message: expect.any(String), message_zh: expect.any(String) },
    ]);
    expect((await stack.enrollment.get('/programs/FX1')).body.name).toBe(evil);
    expect((await stack.enrollment.get('/programs/FX3')).body.name).toBe(evil);
    // Not formula-like after its apostrophe: kept whole.
    expect((await stack.enrollment.get('/programs/FX4')).body.name).toBe("'plain");
    const report = await fetch(`${stack.urls.enrollment}/imports/${importId}/errors?format=csv`, {
      headers: { authorization: `Bearer ${stack.writerKey}` },
    });
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = Buffer.from(await report.arrayBuffer())
      .toString('utf8')
      .split('\r\n');
    expect(lines[0]).toBe('\uFEFFrow,column,value,message,code,message_zh');
    expect(lines[1]).toMatch(/^3,category,'=1\+2,/);
    const xlsx = await fetch(`${stack.urls.enrollment}/imports/${importId}/errors?format=xlsx`, {
      headers: { authorization: `Bearer ${stack.writerKey}` },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const row = wb.worksheets[0]!.getRow(2).values as unknown[];
    expect(row.slice(1, 4)).toEqual([3, 'category', "'=1+2"]);
    expect((await stack.enrollment.get(`/imports/${randomUUID()}/errors`)).status).toBe(404);
  });

  it('serves templates with a header and an example row', async () => {
    const csv = await fetch(`${stack.urls.enrollment}/imports/enrollments/template?format=csv`, {
      headers: { authorization: `Bearer ${stack.writerKey}` },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, so Excel opens it as UTF-8
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFstudentId,programCode,cohortYear,level,pathway,partnerInstitution,orderClassId,apprenticeship,originRegion',
    );
    const xlsx = await fetch(`${stack.urls.enrollment}/imports/programs/template?format=xlsx`, {
      headers: { authorization: `Bearer ${stack.writerKey}` },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(wb.worksheets[0]!.getRow(1).values).toEqual([undefined, 'code', 'name', 'category', 'cluster', 'level', 'sectors', 'status']);
    // The example row itself imports cleanly.
    const example = await upload(
      'programs',
      Buffer.from(
        await (
          await fetch(`${stack.urls.enrollment}/imports/programs/template?format=xlsx`, {
            headers: { authorization: `Bearer ${stack.writerKey}` },
          })
        ).arrayBuffer(),
      ),
      XLSX,
    );
    expect(example.body.rows.failed).toBe(0);
  });
});
