import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { expectEventually } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

/** A file over IMPORT_JOB_BYTES runs as a job: answered 202 once it is in, followed by GET /imports/{id}. */
describe('large imports run as jobs (real PostgreSQL)', () => {
  let stack: TestStack;
  let db: Client;
  beforeAll(async () => {
    // 64 KiB: a file of a few thousand rows is "large" (and the programs quota no bound).
    stack = await startStack({
      services: ['enrollment'],
      env: { IMPORT_JOB_BYTES: String(64 * 1024), MAX_PROGRAMS_PER_INSTITUTION: '1000000' },
    });
    db = new Client({ connectionString: stack.databases.enrollment });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const csvOf = (prefix: string, rows: number, bad = 0) =>
    [
      '专业代码,专业名称,专业大类代码,层次,面向产业,招生状态',
      ...Array.from({ length: rows }, (_, i) => `${prefix}${i},石油化工技术${i},47,${i < bad ? '博士' : '高职'},化工材料,招生`),
      '',
    ].join('\r\n');
  const upload = async (body: string, query = '') => {
    const res = await fetch(`${stack.urls.enrollment}/imports/programs${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'text/csv' },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const progress = async (id: string) => (await stack.enrollment.get(`/imports/${id}`)).body;
  const stored = async (prefix: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM programs WHERE code LIKE $1`, [`${prefix}%`])).rows[0].n);

  it('answers a small file when it is done, a large one 202 at once; progress shows rows read, written, rejected', async () => {
    const small = await upload(csvOf('JS', 10));
    expect(small).toMatchObject({ status: 200, body: { status: 'completed', rows: { created: 10 } } });

    const importId = randomUUID();
    const large = await upload(csvOf('JL', 6000, 3), `?importId=${importId}`);
    expect(large.status).toBe(202);
    expect(large.body).toMatchObject({ importId, entity: 'programs', status: 'running', finishedAt: null });
    await expectEventually(async () => expect((await progress(importId)).status).toBe('completed'), { timeoutMs: 60_000 });
    expect(await progress(importId)).toMatchObject({
      rows: { done: 6000, created: 5997, updated: 0, unchanged: 0, failed: 3 },
      errors: [
        expect.objectContaining({
          row: 2,
          column: 'level',
          title: '层次',
          message_zh: expect.stringMatching(/^第 2 行「层次」：「博士」/),
        }),
        expect.objectContaining({ row: 3 }),
        expect.objectContaining({ row: 4 }),
      ],
    });
    expect(await stored('JL')).toBe(5997);
  });

  it('a restart during a job leaves it failed (interrupted) with whole chunks written; run again, it completes', async () => {
    const importId = randomUUID();
    const rows = 120_000;
    const file = csvOf('JR', rows);
    expect((await upload(file, `?importId=${importId}`)).status).toBe(202);
    // Some chunks in, then the service stops (as for a deploy) and starts again.
    await expectEventually(async () => expect((await progress(importId)).rows.created).toBeGreaterThan(0), { timeoutMs: 60_000 });
    await stack.stop('enrollment');
    await stack.start('enrollment');
    const after = await progress(importId);
    expect(after).toMatchObject({ status: 'failed', message: expect.stringMatching(/^导入被中断.* \/ interrupted/) });
    expect(after.rows.created).toBeLessThan(rows);
    // Nothing half-written: the rows stored are the whole chunks it recorded, in chunks of 1,000.
    expect(await stored('JR')).toBe(after.rows.created);
    expect(after.rows.created % 1000).toBe(0);
    // Run again under its id: the rows already written are unchanged, the rest created.
    expect((await upload(file, `?importId=${importId}`)).status).toBe(202);
    await expectEventually(async () => expect((await progress(importId)).status).toBe('completed'), { timeoutMs: 120_000 });
    expect((await progress(importId)).rows).toMatchObject({
      done: rows,
      created: rows - after.rows.created,
      unchanged: after.rows.created,
    });
    expect(await stored('JR')).toBe(rows);
  }, 240_000);
});
