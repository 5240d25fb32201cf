import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { creditCodeCheckChar } from '@chanjiao/contracts';
import { startStack, TestStack } from '@chanjiao/test-support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const code = (first17: string) => first17 + creditCodeCheckChar(first17);

describe('partnership spreadsheet imports (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;
  beforeAll(async () => {
    stack = await startStack({ services: ['partnership'] });
    db = new Client({ connectionString: stack.databases.partnership });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const upload = async (entity: string, body: Buffer | string, contentType = 'text/csv') => {
    const res = await fetch(`${stack.urls.partnership}/imports/${entity}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const template = async (entity: string, format: 'csv' | 'xlsx') =>
    Buffer.from(
      await (
        await fetch(`${stack.urls.partnership}/imports/${entity}/template?format=${format}`, {
          headers: { authorization: `Bearer ${stack.writerKey}` },
        })
      ).arrayBuffer(),
    );
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it('imports partners and agreements from CSV; bad rows are listed by row and column; a re-import changes nothing', async () => {
    const good = code('91652801MA7TEXT01');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const partners = [
      'partnerId,name,kind,creditCode,sector,region,ieiLevel',
      `P1,新疆中泰化学股份有限公司,enterprise,${good},chemical_materials,652801,provincial`,
      'P2,巴州某纺织有限公司,enterprise,,textiles,652827,',
      `P3,错误信用代码公司,enterprise,${bad},textiles,652801,none`,
      'P4,错误类型,company,,textiles,6528,none',
      'G1,库尔勒市人民政府,government,,other,652801,',
    ].join('\r\n');
    const first = await upload('partners', partners);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'completed', rows: { done: 5, created: 3, updated: 0, unchanged: 0, failed: 2 } });
    expect(first.body.errors).toEqual([
      {
        row: 4,
        column: 'creditCode',
        title: 'creditCode',
        message: expect.stringContaining('creditCode'),
        message_zh: expect.stringMatching(/^第 4 行「creditCode」：/),
      },
      { row: 5, column: 'kind', title: 'kind', message: expect.any(String), message_zh: expect.stringMatching(/^第 5 行「kind」：/) },
      { row: 5, column: 'region', title: 'region', message: expect.any(String), message_zh: expect.stringMatching(/^第 5 行「region」：/) },
    ]);

    const agreements = [
      'agreementId,partnerIds,kind,forms,programCodes,signedOn,expiresOn',
      'A1,P1;P2,school_enterprise,order_class;training_base,470021;480025,2022-03-01,2099-02-28',
      'A2,G1,government_school,,,2022-07-01,',
      'A3,P1;NOPE,school_enterprise,,,2022-04-01,',
      'A4,P2,school_enterprise,teleportation,,2022-04-31,',
    ].join('\n');
    const signed = await upload('agreements', agreements);
    expect(signed.body).toMatchObject({ status: 'completed', rows: { done: 4, created: 2, failed: 2 } });
    expect(signed.body.errors).toEqual([
      { row: 5, column: 'forms', title: 'forms', message: expect.any(String), message_zh: expect.stringMatching(/^第 5 行「forms」：/) },
      {
        row: 5,
        column: 'signedOn',
        title: 'signedOn',
        message: expect.any(String),
        message_zh: expect.stringMatching(/^第 5 行「signedOn」：/),
      },
      // Rows that pass validation but not the service's rules come after, with the API's error code.
      {
        row: 4,
        column: 'partnerIds',
        title: 'partnerIds',
        message: expect.stringContaining('NOPE'),
        code: 'unknown_partner',
        message_zh: expect.stringMatching(/^第 4 行「partnerIds」：/),
      },
    ]);
    const a1 = (await stack.api('partnership').get('/agreements/A1')).body;
    expect(a1).toMatchObject({ partnerIds: ['P1', 'P2'], forms: ['order_class', 'training_base'], programCodes: ['470021', '480025'] });
    expect(a1.sectors).toEqual(['chemical_materials', 'textiles']);

    const outbox = await count('outbox');
    const again = [await upload('partners', partners), await upload('agreements', agreements)];
    expect(again[0]!.body.rows).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 2 });
    expect(again[1]!.body.rows).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 2 });
    expect(await count('outbox')).toBe(outbox);
    expect(await count('partners')).toBe(3);

    // Renewals and terminations of the agreements just imported.
    const renewed = await upload(
      'agreement-renewals',
      'agreementId,date,expiresOn\r\nA1,2023-01-01,2099-12-31\r\nA2,2023-01-01,2022-12-31\r\n',
    );
    expect(renewed.body.rows).toMatchObject({ updated: 1, failed: 1 });
    expect(renewed.body.errors).toEqual([expect.objectContaining({ row: 3, column: 'expiresOn', code: 'invalid_dates' })]);
    const ended = await upload('agreement-terminations', 'agreementId,date,reason\r\nA2,2023-03-01,换届\r\nNONE,2023-03-01,\r\n');
    expect(ended.body.rows).toMatchObject({ updated: 1, failed: 1 });
    expect(ended.body.errors).toEqual([expect.objectContaining({ row: 3, column: 'agreementId', code: 'agreement_not_found' })]);
    expect((await stack.api('partnership').get('/agreements/A2')).body).toMatchObject({ status: 'terminated', terminatedOn: '2023-03-01' });
    expect((await stack.api('partnership').get('/agreements/A1')).body.expiresOn).toBe('2099-12-31');
  });

  it('imports order classes, 1+X pilots and their results, industry colleges', async () => {
    await upload('partners', 'partnerId,name,kind,sector\r\nQ1,博斯腾湖旅游公司,enterprise,culture_tourism\r\n');
    const oc = await upload(
      'order-classes',
      'orderClassId,partnerId,programCode,cohortYear,students\r\nOC1,Q1,540038,2022,20\r\nOC2,Q1,540038,twenty,20\r\n',
    );
    expect(oc.body.rows).toMatchObject({ created: 1, failed: 1 });
    expect(oc.body.errors).toEqual([expect.objectContaining({ row: 3, column: 'cohortYear' })]);
    const pilots = await upload(
      'certificate-pilots',
      'pilotId,certificate,level,partnerId,programCodes,launchedOn\r\nX1,网店运营推广,中级,Q1,530035;530036,2021-03-01\r\n',
    );
    expect(pilots.body.rows).toMatchObject({ created: 1, failed: 0 });
    const results = await upload('certificate-pilot-results', 'pilotId,year,trained,sat,passed\r\nX1,2022,50,48,45\r\nX1,2021,10,12,9\r\n');
    expect(results.body.rows).toMatchObject({ updated: 1, failed: 1 });
    expect(results.body.errors).toEqual([expect.objectContaining({ row: 3, column: 'sat', code: 'invalid_results' })]);
    expect((await stack.api('partnership').get('/certificate-pilots/X1')).body).toMatchObject({
      programCodes: ['530035', '530036'],
      results: [{ year: 2022, trained: 50, sat: 48, passed: 45 }],
    });
    const colleges = await upload('industry-colleges', 'collegeId,name,partnerIds,foundedOn\r\nIC1,旅游产业学院,Q1,2022-09-01\r\n');
    expect(colleges.body.rows).toMatchObject({ created: 1, failed: 0 });
  });

  it('imports training-base investments from XLSX with exact money, numeric cells included', async () => {
    const bases = await upload('training-bases', 'baseId,name,kind,sector\r\nTB1,纺织工业技术产教融合实训基地,productive,textiles\r\n');
    expect(bases.body.rows).toMatchObject({ created: 1 });
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('investments');
    sheet.addRow(['baseId', 'investmentId', 'amount', 'source', 'date']);
    sheet.addRow(['TB1', 'I1', '98000000.01', 'regional_government', '2021-03-15']);
    sheet.addRow(['TB1', 'I2', 12500000.5, 'school', new Date(Date.UTC(2021, 5, 30))]);
    sheet.addRow(['TB1', 'I3', 0.07, 'enterprise', '2021-07-01']);
    sheet.addRow(['TB1', 'I4', '1.234', 'enterprise', '2021-07-01']);
    sheet.addRow(['TB1', 'I5', '5.00', 'lottery', '2021-07-01']);
    const res = await upload('training-base-investments', Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
    expect(res.body).toMatchObject({ status: 'completed', rows: { done: 5, created: 3, failed: 2 } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 5, column: 'amount' }),
      expect.objectContaining({ row: 6, column: 'source' }),
    ]);
    const list = (await stack.api('partnership').get('/training-bases/TB1/investments')).body.items;
    expect(list.map((i: any) => [i.investmentId, i.amount, i.date])).toEqual([
      ['I1', '98000000.01', '2021-03-15'],
      ['I2', '12500000.50', '2021-06-30'],
      ['I3', '0.07', '2021-07-01'],
    ]);
    const { rows } = await db.query(`SELECT sum(amount)::text AS total FROM training_base_investments WHERE base_id = 'TB1'`);
    expect(rows[0].total).toBe('110500000.58');
  });

  it('serves a template for every entity, whose example rows import cleanly in order', async () => {
    const entities = ['partners', 'agreements', 'order-classes', 'certificate-pilots', 'certificate-pilot-results', 'industry-colleges'];
    const more = ['agreement-renewals', 'training-bases', 'training-base-investments'];
    for (const entity of [...entities, ...more]) {
      const csv = (await template(entity, 'csv')).toString('utf8');
      expect(csv.startsWith('\uFEFF')).toBe(true);
      const res = await upload(entity, await template(entity, 'xlsx'), XLSX);
      expect({ entity, ...res.body.rows }).toMatchObject({ entity, done: 1, failed: 0 });
    }
    expect((await template('agreement-terminations', 'csv')).toString('utf8').split('\r\n')[0]).toBe('\uFEFFagreementId,date,reason');
    expect((await stack.api('partnership').get('/agreements/AG-2022-001')).body).toMatchObject({ partnerIds: ['E001'] });
    expect((await upload('nonsense', 'a\r\n')).status).toBe(404);
  });
});
