import { Client } from 'pg';
import { httpClient } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

const program = { name: '纺织品检验与贸易', category: '48', level: 'higher_vocational', sectors: ['textiles'], status: 'open' };

describe('MAX_PROGRAMS_PER_INSTITUTION (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment'], env: { MAX_PROGRAMS_PER_INSTITUTION: '5' } });
    db = new Client({ connectionString: stack.databases.enrollment });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const counts = async (institution = stack.institution) => {
    const { rows } = await db.query<{ p: number; o: number }>(
      `SELECT (SELECT count(*)::int FROM programs WHERE institution = $1) AS p, (SELECT count(*)::int FROM outbox) AS o`,
      [institution],
    );
    return rows[0]!;
  };

  it('past the quota a new program is 409 quota_exceeded naming it, Chinese first, and nothing is written; changes still pass', async () => {
    const batch = await stack.enrollment.put(
      '/programs:batch',
      ['Q1', 'Q2', 'Q3', 'Q4'].map((code) => Object.assign({ code }, program)),
    );
    expect(batch.body.summary).toMatchObject({ created: 4, failed: 0 });
    expect((await stack.enrollment.put('/programs/Q5', program)).status).toBe(201);
    const before = await counts();
    expect(before.p).toBe(5);

    const over = await stack.enrollment.put('/programs/Q6', program);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ error: 'quota_exceeded' });
    expect(over.body.message).toMatch(/^已达每个院校专业数量上限 5（MAX_PROGRAMS_PER_INSTITUTION）/);
    expect(await counts()).toEqual(before);

    // A change of a program it has is no creation; in a batch only the new one fails.
    expect((await stack.enrollment.put('/programs/Q1', Object.assign({}, program, { name: '纺织品检验' }))).status).toBe(200);
    const mixed = await stack.enrollment.put('/programs:batch', [
      Object.assign({ code: 'Q2' }, program, { name: '改名' }),
      Object.assign({ code: 'Q7' }, program),
    ]);
    expect(
      mixed.body.results.map((r: { status: string; httpStatus: number; error?: string }) => [r.status, r.httpStatus, r.error]),
    ).toEqual([
      ['updated', 200, undefined],
      ['failed', 409, 'quota_exceeded'],
    ]);
    expect(await counts()).toEqual({ p: 5, o: before.o + 2 });
    expect((await stack.enrollment.get('/programs/Q7')).status).toBe(404);
  });

  it('counts per institution: another institution has its own', async () => {
    const other = await stack.keys.create({ role: 'writer', services: ['enrollment'], institution: 'QUOTA2' });
    const api = httpClient(stack.urls.enrollment!, other.key);
    expect((await api.put('/programs/Q6', program)).status).toBe(201);
    expect((await counts('QUOTA2')).p).toBe(1);
  });
});
