import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createDataSource } from '@chanjiao/persistence';
import { freshDatabase, sqlTextOf, tapConnections } from '@chanjiao/testing';
import { ReportReader, ReportSource } from './report-reader';

/** A report's parallel queries read one snapshot: a commit between them shows in none or in all. */
describe('ReportReader (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let reader: ReportReader;
  const count = async (table: string, db: ReportSource = reader.latest(['I1'])) =>
    Number((await db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM ${table}`, []))[0]!.n);

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
    const seen = await reader.snapshot(['I1'], async (source) => {
      const programs = await count('programs', source);
      // The consumer commits a program and a student meanwhile, on another connection.
      await ds.transaction(async (m) => {
        await m.query('INSERT INTO programs VALUES (1)');
        await m.query('INSERT INTO students VALUES (1)');
      });
      const [students, again] = await Promise.all([count('students', source), count('programs', source)]);
      return { programs, students, again };
    });
    expect(seen).toEqual({ programs: 0, students: 0, again: 0 });
    expect([await count('programs'), await count('students')]).toEqual([1, 1]);
  });

  it('reads again, parsed anew, once a migration changed what a prepared statement returns', async () => {
    await ds.query(`CREATE TABLE shapes (n int); INSERT INTO shapes VALUES (7)`);
    const read = () => reader.snapshot(['I1'], (source) => source.query<Array<{ n: unknown }>>('SELECT n FROM shapes', []));
    expect(await read()).toEqual([{ n: 7 }]);
    await ds.query(`ALTER TABLE shapes ALTER COLUMN n TYPE bigint`);
    expect(await read()).toEqual([{ n: '7' }]);
  });
});

/** Queries asked for together go in one round trip (a pipeline of statements with their parameters). */
describe('ReportReader round trips (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let reader: ReportReader;
  const TYPED = `SELECT $1::text AS t, $2::int AS n, $3::date AS d, $4::jsonb AS j, $5::text IS NULL AS absent, 'it''s $1' AS quoted, $6::text[] AS list, $7::int[] AS numbers`;
  const tricky = [
    `O'Brien \\ "x" $2 -- ;`,
    2022,
    '2022-06-30',
    JSON.stringify({ a: "it's", b: [1, 2] }),
    null,
    ['a"b', 'c\\d', "e'f", null, '{x,y}', ''],
    [3, -1],
  ];

  beforeAll(async () => {
    db = await freshDatabase('reader_rt');
    ds = createDataSource({ url: db.url, entities: [], migrations: [] });
    await ds.initialize();
    reader = new ReportReader(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('answers parallel queries each with its own rows, typed as the same query with parameters would be', async () => {
    const expected = await ds.query(TYPED, tricky);
    const [typed, series, empty] = await reader.snapshot(['I1'], (source) =>
      Promise.all([
        source.query(TYPED, tricky),
        source.query(`SELECT g AS n FROM generate_series(1, $1::int) g WHERE g <> $2`, [4, 2]),
        source.query(`SELECT 1 AS one WHERE $1::text = 'never'`, ['x']),
      ]),
    );
    expect(typed).toEqual(expected);
    expect(series).toEqual([{ n: 1 }, { n: 3 }, { n: 4 }]);
    expect(empty).toEqual([]);
  });

  it('sends what a report asks for together in one pipeline, and what it asks for after an answer in the next', async () => {
    const texts: string[] = [];
    // Records the statement texts sent on the snapshot's connection.
    const { restore } = tapConnections(ds, (args, send) => {
      texts.push(sqlTextOf(args));
      return send(...args);
    });
    await reader.snapshot(['I1'], async (source) => {
      await Promise.all([source.query('SELECT 1', []), source.query('SELECT 2', []), source.query('SELECT 3', [])]);
      await source.query('SELECT $1::int', [4]);
    });
    restore();
    expect(texts).toEqual([
      'START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT 1;\nSELECT 2;\nSELECT 3',
      'SELECT $1::int',
      'COMMIT',
    ]);
  });

  it('fails the queries of a failing round trip and rolls back; the next snapshot works', async () => {
    await expect(
      reader.snapshot(['I1'], (source) => Promise.all([source.query('SELECT 1', []), source.query('SELECT * FROM no_such_table', [])])),
    ).rejects.toThrow(/no_such_table/);
    await expect(reader.snapshot(['I1'], (source) => source.query('SELECT $1::int AS n', [5]))).resolves.toEqual([{ n: 5 }]);
  });

  it('refuses a parameter it cannot pass', async () => {
    await expect(reader.snapshot(['I1'], (source) => source.query('SELECT $1::jsonb', [{ a: 1 }]))).rejects.toThrow(/JSON.stringify/);
  });
});
