import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { startStack, TestStack } from '@chanjiao/test-support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('alliance spreadsheet imports (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;
  beforeAll(async () => {
    stack = await startStack({ services: ['alliance'] });
    db = new Client({ connectionString: stack.databases.alliance });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const auth = () => ({ authorization: `Bearer ${stack.writerKey}` });
  const upload = async (entity: string, body: Buffer | string, contentType = 'text/csv') => {
    const res = await fetch(`${stack.urls.alliance}/imports/${entity}`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const get = async (path: string) => (await stack.api('alliance').get(path)).body;

  it('imports alliances and members from CSV; bad rows are listed by row and column; a re-import changes nothing', async () => {
    const alliances = [
      '\uFEFFallianceId,name,scope,sector,foundedOn,role',
      'CSV-AUTO,新疆汽车职业教育联盟,industry,,2016-11-18,chair',
      'CSV-TOUR,新疆旅游教育联盟,regional,culture_tourism,2017-04-06,vice_chair',
      'CSV-BAD1,坏范围,galactic,,2018-01-01,chair',
      'CSV-BAD2,坏日期,industry,mining,2018-02-30,overlord',
      '',
    ].join('\r\n');
    const first = await upload('alliances', alliances);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'completed', rows: { done: 4, created: 2, updated: 0, unchanged: 0, failed: 2 } });
    expect(first.body.errors).toEqual([
      {
        row: 4,
        column: 'scope',
        title: 'scope',
        message: expect.stringContaining('scope'),
        message_zh: expect.stringMatching(/^第 4 行「scope」：/),
      },
      {
        row: 5,
        column: 'foundedOn',
        title: 'foundedOn',
        message: expect.any(String),
        message_zh: expect.stringMatching(/^第 5 行「foundedOn」：/),
      },
      { row: 5, column: 'role', title: 'role', message: expect.any(String), message_zh: expect.stringMatching(/^第 5 行「role」：/) },
    ]);
    expect(await get('/alliances/CSV-TOUR')).toMatchObject({ sector: 'culture_tourism', role: 'vice_chair', version: 1 });

    const members = [
      'allianceId,memberId,memberKind,role,joinedOn',
      'CSV-AUTO,M-001,enterprise,council,2017-01-10',
      'CSV-AUTO,M-002,vocational_college,member,2017-03-01',
      'CSV-NONE,M-003,enterprise,member,2020-01-01',
      'CSV-TOUR,M-004,university,member,2016-01-01',
    ].join('\n');
    const joined = await upload('members', members);
    expect(joined.body).toMatchObject({ status: 'completed', rows: { done: 4, created: 2, failed: 2 } });
    expect(joined.body.errors).toEqual([
      expect.objectContaining({ row: 4, column: 'allianceId', code: 'alliance_not_found' }),
      expect.objectContaining({ row: 5, column: 'joinedOn', code: 'join_before_founding' }),
    ]);

    const outbox = await count('outbox');
    const rows = [await count('alliances'), await count('alliance_members')];
    const again = await upload('alliances', alliances);
    expect(again.body.rows).toMatchObject({ done: 4, created: 0, updated: 0, unchanged: 2, failed: 2 });
    const joinedAgain = await upload('members', members);
    expect(joinedAgain.body.rows).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 2 });
    expect(await count('outbox')).toBe(outbox);
    expect([await count('alliances'), await count('alliance_members')]).toEqual(rows);

    // Role changes, a departure and a re-join (a new period), then activities with a participant list.
    const roles = await upload('member-roles', 'allianceId,memberId,role,date\r\nCSV-AUTO,M-002,council,2020-06-01\r\n');
    expect(roles.body.rows).toMatchObject({ updated: 1, failed: 0 });
    const left = await upload(
      'member-departures',
      'allianceId,memberId,date\r\nCSV-AUTO,M-001,2021-12-31\r\nCSV-AUTO,M-009,2021-12-31\r\n',
    );
    expect(left.body.rows).toMatchObject({ updated: 1, failed: 1 });
    expect(left.body.errors).toEqual([expect.objectContaining({ row: 3, column: 'memberId', code: 'member_not_found' })]);
    const back = await upload('members', 'allianceId,memberId,memberKind,role,joinedOn\r\nCSV-AUTO,M-001,enterprise,member,2022-03-01\r\n');
    expect(back.body.rows).toMatchObject({ updated: 1, failed: 0 });
    expect(await get('/alliances/CSV-AUTO/members/M-001')).toMatchObject({ status: 'active', joinedOn: '2022-03-01', periods: [{}, {}] });
    expect((await get('/alliances/CSV-AUTO/members/M-002')).role).toBe('council');

    const activities = await upload(
      'activities',
      [
        'allianceId,activityId,kind,title,date,online,participants,participantCount',
        'CSV-AUTO,F-1,forum,汽车产教论坛,2022-09-16,否,M-001;M-002;某汽车技工学校,',
        'CSV-AUTO,F-2,forum,线上论坛,2022-10-16,yes,M-001;M-002,1',
      ].join('\r\n'),
    );
    expect(activities.body.rows).toMatchObject({ created: 1, failed: 1 });
    expect(activities.body.errors).toEqual([
      {
        row: 3,
        column: 'participantCount',
        title: 'participantCount',
        message: expect.any(String),
        message_zh: expect.stringMatching(/^第 3 行「participantCount」：/),
      },
    ]);
    expect((await get('/alliances/CSV-AUTO/activities')).items).toEqual([
      expect.objectContaining({
        activityId: 'F-1',
        online: false,
        participants: ['M-001', 'M-002', '某汽车技工学校'],
        participantCount: null,
      }),
    ]);
  });

  it('imports contributions from XLSX with exact money, numeric or text cells', async () => {
    await upload('alliances', 'allianceId,name,scope,foundedOn,role\r\nXL-TEX,纺织服装职教联盟,cross_province,2018-06-01,chair\r\n');
    await upload('members', 'allianceId,memberId,memberKind,role,joinedOn\r\nXL-TEX,E-1,enterprise,member,2018-07-01\r\n');
    await upload('charters', 'allianceId,version,adoptedOn,summary\r\nXL-TEX,1,2018-06-01,第一版\r\nXL-TEX,2,2021-03-15,\r\n');
    expect((await get('/alliances/XL-TEX/charters')).items.map((c: any) => c.version)).toEqual([1, 2]);

    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('contributions');
    sheet.addRow(['allianceId', 'contributionId', 'memberId', 'kind', 'amount', 'description', 'date']);
    sheet.addRow(['XL-TEX', 'C-1', 'E-1', 'funds', '403000000.00', '专项资金', '2022-03-01']);
    sheet.addRow(['XL-TEX', 'C-2', 'E-1', 'equipment', 1234567.89, null, new Date(Date.UTC(2022, 4, 10))]);
    sheet.addRow(['XL-TEX', 'C-3', 'E-1', 'funds', 0.1, null, '2022-05-11']);
    sheet.addRow(['XL-TEX', 'C-4', 'E-1', 'technology', null, '技术标准', '2022-06-01']);
    sheet.addRow(['XL-TEX', 'C-5', 'E-1', 'funds', 1.005, null, '2022-06-02']);
    sheet.addRow(['XL-TEX', 'C-6', 'E-1', 'funds', null, null, '2022-06-03']);
    sheet.addRow(['XL-TEX', 'C-7', 'E-1', 'talent', '10', null, '2018-01-01']);
    const res = await upload('contributions', Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
    expect(res.body).toMatchObject({ status: 'completed', rows: { done: 7, created: 4, failed: 3 } });
    expect(res.body.errors).toEqual([
      { row: 6, column: 'amount', title: 'amount', message: expect.any(String), message_zh: expect.stringMatching(/^第 6 行「amount」：/) },
      { row: 7, column: 'amount', title: 'amount', message: expect.any(String), message_zh: expect.stringMatching(/^第 7 行「amount」：/) },
      expect.objectContaining({ row: 8, column: 'memberId', code: 'member_not_current' }),
    ]);
    const amounts = Object.fromEntries((await get('/alliances/XL-TEX/contributions')).items.map((c: any) => [c.contributionId, c.amount]));
    expect(amounts).toEqual({ 'C-1': '403000000.00', 'C-2': '1234567.89', 'C-3': '0.10', 'C-4': null });
    const sum = (await db.query(`SELECT sum(amount)::text AS s FROM alliance_contributions WHERE alliance_id = 'XL-TEX'`)).rows[0].s;
    expect(sum).toBe('404234567.99');
  });

  it('serves templates whose example rows import cleanly, once the example alliance (and member) they refer to are in', async () => {
    // The example rows of members, roles, contributions and departures refer to the example alliance
    // BZ-TEXTILE and its example member E-0042, so they are imported in dependency order.
    const order = ['alliances', 'members', 'member-roles', 'contributions', 'member-departures', 'charters', 'activities'];
    const headers: Record<string, string> = {
      alliances: 'allianceId,name,scope,sector,foundedOn,role',
      members: 'allianceId,memberId,memberKind,role,joinedOn',
      'member-roles': 'allianceId,memberId,role,date',
      'member-departures': 'allianceId,memberId,date',
      charters: 'allianceId,version,adoptedOn,summary',
      contributions: 'allianceId,contributionId,memberId,kind,amount,description,date',
      activities: 'allianceId,activityId,kind,title,date,online,participants,participantCount',
    };
    // Without the alliance, the member example row is refused for that reason alone.
    const csvTemplate = async (entity: string) => {
      const res = await fetch(`${stack.urls.alliance}/imports/${entity}/template?format=csv`, { headers: auth() });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const orphan = await upload('members', await csvTemplate('members'));
    expect(orphan.body.errors).toEqual([expect.objectContaining({ row: 2, column: 'allianceId', code: 'alliance_not_found' })]);

    for (const [i, entity] of order.entries()) {
      const csv = await csvTemplate(entity);
      expect(csv.toString('utf8').split('\r\n')[0]).toBe(`\uFEFF${headers[entity]}`);
      // Alternate the formats, so both templates are proven importable.
      const body =
        i % 2 === 0
          ? csv
          : Buffer.from(
              await (await fetch(`${stack.urls.alliance}/imports/${entity}/template?format=xlsx`, { headers: auth() })).arrayBuffer(),
            );
      const res = await upload(entity, body, i % 2 === 0 ? 'text/csv' : XLSX);
      expect([entity, res.body.status, res.body.rows.failed, res.body.errors]).toEqual([entity, 'completed', 0, []]);
      expect(res.body.rows.created + res.body.rows.updated).toBe(1);
    }
    expect(await get('/alliances/BZ-TEXTILE/members/E-0042')).toMatchObject({
      role: 'council',
      status: 'departed',
      departedOn: '2022-12-31',
    });
    expect((await get('/alliances/BZ-TEXTILE/contributions')).items).toEqual([expect.objectContaining({ amount: '150000.00' })]);
    expect((await get('/alliances/BZ-TEXTILE/activities')).items).toEqual([
      expect.objectContaining({ participants: ['E-0042', '巴音郭楞职业技术学院'], participantCount: 45 }),
    ]);
  });

  it('a file with unknown or missing columns is refused whole, with 400 naming them', async () => {
    const before = await count('alliance_contributions');
    const res = await upload('contributions', 'allianceId,contributionId,colour\r\nA,B,red\r\n');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_header', errors: [{ field: 'file' }] });
    expect(res.body.message).toMatch(/unknown column "colour".*missing columns: memberId, kind, date/);
    expect(await count('alliance_contributions')).toBe(before);
  });
});
