import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { startStack, TestStack } from '@chanjiao/test-support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Files made as a college office's clerk makes them in Excel or WPS: Chinese titles and labels, serial dates. */
describe('spreadsheets as college offices keep them (real PostgreSQL)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment'] });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const upload = async (entity: string, body: Buffer | string, contentType = 'text/csv', query = '') => {
    const res = await fetch(`${stack.urls.enrollment}/imports/${entity}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const download = async (path: string) => {
    const res = await fetch(`${stack.urls.enrollment}${path}`, { headers: { authorization: `Bearer ${stack.writerKey}` } });
    expect(res.status).toBe(200);
    return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const workbookOf = async (sheets: Array<[string, unknown[][]]>) => {
    const wb = new ExcelJS.Workbook();
    for (const [name, rows] of sheets) {
      const sheet = wb.addWorksheet(name);
      rows.forEach((r) => sheet.addRow(r));
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  };
  const loaded = async (bytes: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    return wb;
  };

  it('imports an XLSX with Simplified titles and labels, a Traditional one, serial and Chinese dates, 是/否', async () => {
    const programs = await workbookOf([
      [
        '专业',
        [
          ['专业代码', '专业名称', '专业大类代码', '层次', '面向产业', '招生状态'],
          ['CN0101', '石油化工技术', '47', '高职', '化工材料、绿色能源', '招生'],
          ['CN0102', '纺织品检验', '48', '中职', '纺织面料', '停招'],
        ],
      ],
    ]);
    const first = await upload('programs', programs, XLSX);
    expect(first.body).toMatchObject({ status: 'completed', rows: { created: 2, failed: 0 } });
    expect((await stack.enrollment.get('/programs/CN0101')).body).toMatchObject({
      level: 'higher_vocational',
      sectors: ['chemical_materials', 'green_energy'],
      status: 'open',
    });

    // Traditional titles and labels, as a Hong Kong or Taiwan Excel writes them; 2+3 貫通 with its full-width plus.
    const enrollments = await workbookOf([
      [
        '學生名單',
        [
          ['學號', '專業代碼', '入學年份', '層次', '培養模式', '是否現代學徒制'],
          ['CN2022001', 'CN0101', 2022, '高職', '２＋３貫通', '是'],
          ['CN2022002', 'CN0102', 2022, '中職', '普通', '否'],
        ],
      ],
    ]);
    const second = await upload('enrollments', enrollments, XLSX);
    expect(second.body).toMatchObject({ status: 'completed', rows: { created: 2, failed: 0 } });
    expect((await stack.enrollment.get('/enrollments/CN2022001')).body).toMatchObject({
      level: 'higher_vocational',
      pathway: 'through_2_3',
      apprenticeship: true,
    });

    // A serial date (a cell Excel shows as a date under a format exceljs does not know), a Date cell, 2022年6月30日.
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('毕业');
    sheet.addRow(['学号', '毕业日期', '毕业年份']);
    sheet.addRow(['CN2022001', 45107, 2023]);
    sheet.getCell('B2').numFmt = 'yyyy"年"m"月"d"日"';
    sheet.addRow(['CN2022002', '2023年6月30日', 2023]);
    const third = await upload('graduations', Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
    expect(third.body).toMatchObject({ status: 'completed', rows: { updated: 2, failed: 0 } });
    expect((await stack.enrollment.get('/enrollments/CN2022001')).body.graduatedOn).toBe('2023-06-30');
    expect((await stack.enrollment.get('/enrollments/CN2022002')).body.graduatedOn).toBe('2023-06-30');
  });

  it('names an unknown title with the closest known one, in Chinese and English', async () => {
    const res = await upload('programs', '专业代码,专业名,专业大类代码,层次,面向产业,招生状态\r\nX,Y,46,高职,矿业开发,招生\r\n');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_header');
    expect(res.body.message).toContain('未知的列「专业名」，是否应为「专业名称」（name）？');
    expect(res.body.message).toContain('unknown column "专业名"; did you mean "专业名称" (name)?');
  });

  it('refuses an .xls or WPS .et with 400 saying to save as .xlsx; reads Excel "Unicode text" (UTF-16, tabs)', async () => {
    const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]);
    const refused = await upload('programs', ole2, 'application/vnd.ms-excel');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unsupported_format');
    expect(refused.body.message).toMatch(/另存为.*\.xlsx.*save it as \.xlsx/);

    const text = '專業代碼\t專業名稱\t專業大類代碼\t層次\t面向產業\t招生狀態\r\nCN0201\t"旅遊管理, 導遊"\t54\t本科\t文化旅遊\t招生\r\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    const read = await upload('programs', utf16, 'text/plain');
    expect(read.body).toMatchObject({ status: 'completed', rows: { created: 1, failed: 0 } });
    expect((await stack.enrollment.get('/programs/CN0201')).body).toMatchObject({
      name: '旅遊管理, 導遊',
      level: 'undergraduate',
      sectors: ['culture_tourism'],
    });
  });

  it('chooses the sheet by name or by its header, past an instructions sheet', async () => {
    const file = await workbookOf([
      ['填写说明', [['说明'], ['请在“专业”表中填写']]],
      [
        '专业',
        [
          ['专业代码', '专业名称', '专业大类代码', '层次', '面向产业', '招生状态'],
          ['CN0301', '矿物加工', '42', '高职', '矿业开发', '招生'],
        ],
      ],
      [
        '2023',
        [
          ['专业代码', '专业名称', '专业大类代码', '层次', '面向产业', '招生状态'],
          ['CN0302', '现代农业技术', '41', '高职', '现代农业', '招生'],
        ],
      ],
    ]);
    expect((await upload('programs', file, XLSX)).body.rows).toMatchObject({ created: 1 });
    expect((await stack.enrollment.get('/programs/CN0301')).status).toBe(200);
    expect((await upload('programs', file, XLSX, `?sheet=${encodeURIComponent('2023')}`)).body.rows).toMatchObject({ created: 1 });
    expect((await stack.enrollment.get('/programs/CN0302')).status).toBe(200);
    const missing = await upload('programs', file, XLSX, `?sheet=${encodeURIComponent('Sheet1')}`);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('没有名为「Sheet1」的工作表');
  });

  it('serves a Chinese template (titles, drop-downs, instructions, example) that imports once filled in', async () => {
    const csv = await download('/imports/programs/template?format=csv&lang=zh');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.bytes.toString('utf8').split('\r\n').slice(0, 2)).toEqual([
      '\uFEFF专业代码,专业名称,专业大类代码,专业群,层次,面向产业,招生状态',
      '460103,石油化工技术,47,石油石化专业群,高职专科,化工材料、绿色能源,招生',
    ]);
    expect((await download('/imports/programs/template?format=csv&lang=zh-Hant')).bytes.toString('utf8')).toContain('專業代碼');
    const bad = await fetch(`${stack.urls.enrollment}/imports/programs/template?lang=fr`, {
      headers: { authorization: `Bearer ${stack.writerKey}` },
    });
    expect(bad.status).toBe(400);

    const xlsx = await download('/imports/programs/template?format=xlsx&lang=zh');
    expect(xlsx.type).toBe(XLSX);
    const wb = await loaded(xlsx.bytes);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['数据', '填写说明', '选项']);
    const data = wb.getWorksheet('数据')!;
    expect(data.getRow(1).values).toEqual([undefined, '专业代码', '专业名称', '专业大类代码', '专业群', '层次', '面向产业', '招生状态']);
    expect(data.getCell('E2').value).toBe('高职专科');
    expect(data.getCell('E3').dataValidation).toMatchObject({ type: 'list', formulae: ["'选项'!$A$2:$A$4"] });
    expect(data.getCell('G3').dataValidation).toMatchObject({ type: 'list', formulae: ["'选项'!$C$2:$C$3"] });
    // Filled in as a clerk would: the example row changed, a row added with labels chosen from the lists.
    data.getRow(2).values = ['CN0401', '应用化工技术', '47', '', '高职', '化工材料', '招生'];
    data.addRow(['CN0402', '纺织机电技术', '48', '纺织服装', '中职', '纺织面料、商贸物流', '停招']);
    const filled = await upload('programs', Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
    expect(filled.body).toMatchObject({ status: 'completed', rows: { created: 2, failed: 0 } });
    expect((await stack.enrollment.get('/programs/CN0402')).body).toMatchObject({
      level: 'secondary',
      sectors: ['commerce_logistics', 'textiles'],
      status: 'suspended',
    });
  });

  it('says each row error in Chinese with the title as written; the rejected rows download, fixed, import again', async () => {
    const importId = randomUUID();
    const file = await workbookOf([
      [
        '专业',
        [
          ['專業代碼', '專業名稱', '專業大類代碼', '層次', '面向產業', '招生狀態'],
          ['CN0501', '工业机器人技术', '46', '高级', '化工材料', '招生'],
          ['CN0502', '大数据技术', '51', '高职', '太空', '招生'],
          ['CN0503', '电子商务', '53', '高职', '商贸物流', '招生'],
        ],
      ],
    ]);
    const res = await upload('programs', file, XLSX, `?importId=${importId}`);
    expect(res.body).toMatchObject({ status: 'completed', rows: { created: 1, failed: 2 } });
    expect(res.body.errors).toEqual([
      {
        row: 2,
        column: 'level',
        title: '層次',
        message: expect.stringContaining('level must be one of'),
        message_zh:
          '第 2 行「層次」：「高级」不是可选的值；可填：中职（secondary）、高职专科（higher_vocational）、职业本科（undergraduate）',
      },
      {
        row: 3,
        column: 'sectors',
        title: '面向產業',
        message: expect.any(String),
        message_zh: expect.stringMatching(/^第 3 行「面向產業」：「太空」不是可选的值；可填：化工材料（chemical_materials）/),
      },
    ]);

    const report = await download(`/imports/${importId}/errors?format=xlsx&layout=rows`);
    const wb = await loaded(report.bytes);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      '專業代碼',
      '專業名稱',
      '專業大類代碼',
      '層次',
      '面向產業',
      '招生狀態',
      '错误原因 / error reason',
    ]);
    expect((sheet.getRow(2).values as unknown[]).slice(1, 7)).toEqual(['CN0501', '工业机器人技术', '46', '高级', '化工材料', '招生']);
    expect(sheet.getCell('G2').value).toMatch(/^第 2 行「層次」：「高级」不是可选的值.* \/ level must be one of/);
    expect(sheet.getCell('A3').value).toBe('CN0502');
    expect(sheet.rowCount).toBe(3);
    // Fixed in place and uploaded as it is: the reason column is skipped.
    sheet.getCell('D2').value = '高職';
    sheet.getCell('E3').value = '商貿物流';
    const again = await upload('programs', Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
    expect(again.body).toMatchObject({ status: 'completed', rows: { created: 2, failed: 0 } });
    expect((await stack.enrollment.get('/programs/CN0502')).body.sectors).toEqual(['commerce_logistics']);

    const csv = await download(`/imports/${importId}/errors?format=csv&layout=rows`);
    expect(csv.bytes.toString('utf8').split('\r\n')[0]).toBe(
      '\uFEFF專業代碼,專業名稱,專業大類代碼,層次,面向產業,招生狀態,错误原因 / error reason',
    );
    const badLayout = await fetch(`${stack.urls.enrollment}/imports/${importId}/errors?layout=grid`, {
      headers: { authorization: `Bearer ${stack.writerKey}` },
    });
    expect(badLayout.status).toBe(400);
  });

  it('documents sheet, lang, layout and the 202 of a job in OpenAPI', async () => {
    const openapi = (await (await fetch(`${stack.urls.enrollment}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; responses: Record<string, unknown> }>>;
    };
    const names = (path: string, method: string) => openapi.paths[path]![method]!.parameters!.map((q) => q.name);
    expect(names('/imports/{entity}', 'post')).toEqual(expect.arrayContaining(['sheet', 'encoding', 'importId']));
    expect(Object.keys(openapi.paths['/imports/{entity}']!.post!.responses)).toEqual(expect.arrayContaining(['200', '202']));
    expect(names('/imports/{entity}/template', 'get')).toEqual(expect.arrayContaining(['format', 'lang']));
    expect(names('/imports/{importId}/errors', 'get')).toEqual(expect.arrayContaining(['format', 'layout']));
  });
});
