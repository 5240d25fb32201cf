import { randomUUID } from 'node:crypto';
import { expectEventually } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

describe('a long import and the single writes of its institution (real PostgreSQL)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment'] });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a single PUT of an unrelated new id, sent while a large import runs, is answered before the import ends', async () => {
    const program = { name: 'Program', category: '46', level: 'higher_vocational', sectors: ['mining'], status: 'open' };
    expect((await stack.enrollment.put('/programs/LONG', program)).status).toBe(201);
    const rows = ['studentId,programCode,cohortYear,level,pathway'];
    for (let i = 0; i < 40_000; i++) rows.push(`L${String(i).padStart(7, '0')},LONG,2022,higher_vocational,regular`);
    const importId = randomUUID();
    let importDone = 0;
    const imported = fetch(`${stack.urls.enrollment}/imports/enrollments?importId=${importId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'text/csv' },
      body: rows.join('\r\n'),
    }).then(async (res) => {
      importDone = Date.now();
      return { status: res.status, body: (await res.json()) as any };
    });
    // Once some of its rows are written (it holds its transaction, if it has one, from here on):
    await expectEventually(async () => {
      expect((await stack.enrollment.get(`/imports/${importId}`)).body.rows.done).toBeGreaterThan(2000);
    });
    const put = await stack.enrollment.put('/programs/BESIDE', program);
    const putDone = Date.now();
    expect(put.status).toBe(201);
    const single = await stack.enrollment.post('/enrollments', {
      studentId: 'BESIDE1',
      programCode: 'BESIDE',
      cohortYear: 2022,
      level: 'higher_vocational',
      pathway: 'regular',
    });
    const singleDone = Date.now();
    expect(single.status).toBe(201);
    expect(importDone).toBe(0);
    const result = await imported;
    expect(result.body).toMatchObject({ status: 'completed', rows: { created: 40_000 } });
    expect(putDone).toBeLessThan(importDone);
    expect(singleDone).toBeLessThan(importDone);
  });
});
