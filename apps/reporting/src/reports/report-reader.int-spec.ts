import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createDataSource } from '@chanjiao/persistence';
import { freshDatabase } from '@chanjiao/testing';
import { ReportReader } from './report-reader';

/** A report's parallel queries read one snapshot: a commit between them shows in none or in all. */
describe('ReportReader (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let reader: ReportReader;
  const count = async (table: string) => Number((await reader.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM ${table}`, []))[0]!.n);

  beforeAll(async () => {
    db = await freshDatabase('reader');
    ds = createDataSource({ url: db.url, entities: [], migrations: [] });
    await ds.initialize();
    await ds.query('CREATE TABLE programs (id int); CREATE TABLE students (id int)');
    reader = new ReportReader(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('inside a snapshot, a commit made between two queries is not seen; outside, it is', async () => {
    const seen = await reader.snapshot(async () => {
      const programs = await count('programs');
      // The consumer commits a program and a student meanwhile, on another connection.
      await ds.transaction(async (m) => {
        await m.query('INSERT INTO programs VALUES (1)');
        await m.query('INSERT INTO students VALUES (1)');
      });
      const [students, again] = await Promise.all([count('students'), count('programs')]);
      return { programs, students, again };
    });
    expect(seen).toEqual({ programs: 0, students: 0, again: 0 });
    expect([await count('programs'), await count('students')]).toEqual([1, 1]);
  });
});
