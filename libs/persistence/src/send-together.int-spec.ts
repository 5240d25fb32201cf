import { Client } from 'pg';
import { freshDatabase, LIBRARY_PATHS, useLibraryFastPaths } from '@chanjiao/testing';
import { countSocketWrites } from '@chanjiao/testing';
import { createDataSource, SESSION_OPTIONS } from './data-source';
import { PREPARED_PER_CONNECTION, sendTogether, StatementPipeline } from './send-together';

/** Writes of `sendTogether`'s pipeline: one; on the public path a statement's round trip each. */
const pipelined = (mode: 'on' | 'off', statements: number) => (mode === 'on' ? 1 : statements);

describe.each(LIBRARY_PATHS)('sendTogether (real PostgreSQL; library fast paths %s)', (mode) => {
  let db: { url: string; drop: () => Promise<void> };
  let client: Client;

  beforeAll(async () => {
    useLibraryFastPaths(mode);
    db = await freshDatabase('send_together');
    client = new Client({ connectionString: db.url, options: SESSION_OPTIONS });
    await client.connect();
    await client.query(`CREATE TABLE t (id int PRIMARY KEY, doc jsonb, at timestamptz, tags text[])`);
  });
  afterAll(async () => {
    useLibraryFastPaths('on');
    await client?.end();
    await db?.drop();
  });
  afterEach(async () => {
    await client.query('TRUNCATE t');
  });

  /** The socket writes `fn` takes on the client's connection. */
  async function socketWrites<T>(fn: () => Promise<T>): Promise<{ result: T; writes: number }> {
    const counter = countSocketWrites(client);
    try {
      return { result: await fn(), writes: counter.writes() };
    } finally {
      counter.restore();
    }
  }

  it('runs the statements in order in one write and returns each one rows, parsed by type', async () => {
    const doc = { name: `O'Brien \\ "巴音郭楞"`, big: 'x'.repeat(200_000) };
    const at = new Date('2022-06-30T08:00:00Z');
    const { result, writes } = await socketWrites(() =>
      sendTogether(client, [
        ['BEGIN', []],
        ['INSERT INTO t (id, doc, at, tags) VALUES ($1, $2::jsonb, $3, $4)', [1, JSON.stringify(doc), at, ['a"b', 'c\\d', null]]],
        ['SELECT id, doc, at, tags FROM t WHERE id = $1', [1]],
        ['SELECT $1::int + 1 AS two, $2::bool AS yes, $3::text IS NULL AS none', [1, true, null]],
        ['COMMIT', []],
      ]),
    );
    expect(writes).toBe(pipelined(mode, 5));
    expect(result).toEqual([[], [], [{ id: 1, doc, at, tags: ['a"b', 'c\\d', null] }], [{ two: 2, yes: true, none: true }], []]);
  });

  it('fails every statement after an error: the server skips to the end of the pipeline, the transaction rolls back', async () => {
    const failed = sendTogether(client, [
      ['BEGIN', []],
      ['INSERT INTO t (id) VALUES ($1)', [1]],
      ['INSERT INTO t (id) VALUES ($1)', [1]],
      ['INSERT INTO t (id) VALUES ($1)', [2]],
      ['COMMIT', []],
    ]);
    await expect(failed).rejects.toMatchObject({ code: '23505', table: 't' });
    // The connection is inside the failed transaction, as after a failed simple query; the caller rolls back.
    await client.query('ROLLBACK');
    expect((await client.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
    // And the connection goes on answering.
    expect(await sendTogether(client, [['SELECT 1 AS one', []]])).toEqual([[{ one: 1 }]]);
  });

  it('refuses a parameter it cannot pass before anything is written', async () => {
    const { result, writes } = await socketWrites(() =>
      sendTogether(client, [['SELECT $1::jsonb', [{ a: 1 }]]]).then(
        () => 'sent',
        (e: Error) => e.message,
      ),
    );
    expect(result).toMatch(/JSON.stringify/);
    expect(writes).toBe(0);
    expect(await sendTogether(client, [['SELECT 2 AS two', []]])).toEqual([[{ two: 2 }]]);
  });

  it('is a thenable submittable: what client.query returns can be awaited, and it names its statements', async () => {
    const p = new StatementPipeline(
      [
        ['SELECT $1::text AS a', ['x']],
        ['SELECT 2 AS b', []],
      ],
      (oid, format) => client.getTypeParser(oid, format),
    );
    expect(p.text).toBe('SELECT $1::text AS a;\nSELECT 2 AS b');
    expect(await client.query(p)).toEqual([[{ a: 'x' }], [{ b: 2 }]]);
  });
});

/** Each text is parsed once per connection and planned at every execution. */
describe('sendTogether prepared statements (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: Client;
  const prepared = async () =>
    (
      await client.query<{ statement: string; prepare_time: Date; generic_plans: string; custom_plans: string }>(
        `SELECT statement, prepare_time, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY prepare_time`,
      )
    ).rows;

  beforeAll(async () => {
    db = await freshDatabase('send_together_prepared');
  });
  beforeEach(async () => {
    // A new connection each time: what a connection has prepared is its own.
    client = new Client({ connectionString: db.url, options: SESSION_OPTIONS });
    await client.connect();
  });
  afterEach(async () => {
    await client?.end();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('parses a text at its first use only, also when a pipeline repeats it, and plans every execution for its parameters', async () => {
    const DOUBLE = 'SELECT $1::int * 2 AS d';
    expect(
      await sendTogether(client, [
        [DOUBLE, [1]],
        [DOUBLE, [2]],
        ['SELECT $1::text AS t', ['x']],
      ]),
    ).toEqual([[{ d: 2 }], [{ d: 4 }], [{ t: 'x' }]]);
    const [first] = await prepared();
    for (let i = 3; i <= 8; i++) expect(await sendTogether(client, [[DOUBLE, [i]]])).toEqual([[{ d: 2 * i }]]);
    const after = await prepared();
    expect(after.map((p) => p.statement)).toEqual([DOUBLE, 'SELECT $1::text AS t']);
    // Not parsed again (same prepare time); never a generic plan, which PostgreSQL would use from the sixth execution on.
    expect(after[0]).toMatchObject({ prepare_time: first!.prepare_time, generic_plans: '0', custom_plans: '8' });
  });

  it('parses again a text whose pipeline failed before it learnt whether it was parsed', async () => {
    const DIVIDE = 'SELECT 10 / $1::int AS q';
    await expect(sendTogether(client, [[DIVIDE, [0]]])).rejects.toMatchObject({ code: '22012' });
    // Parsed under its name, then failed: parsing it again under the same name must not fail as a duplicate.
    expect(await sendTogether(client, [[DIVIDE, [5]]])).toEqual([[{ q: 2 }]]);
    expect(await sendTogether(client, [[DIVIDE, [2]]])).toEqual([[{ q: 5 }]]);
    expect((await prepared()).map((p) => p.statement)).toEqual([DIVIDE]);
  });

  it(`keeps at most ${PREPARED_PER_CONNECTION} texts per connection; others are parsed at each use`, async () => {
    const texts = Array.from({ length: PREPARED_PER_CONNECTION + 5 }, (_, i) => [`SELECT ${i} AS n`, []] as const);
    const rows = await sendTogether(client, texts);
    expect(rows.map((r) => (r as Array<{ n: number }>)[0]!.n)).toEqual(texts.map((_, i) => i));
    expect(await sendTogether(client, texts.slice(-2))).toEqual([
      [{ n: PREPARED_PER_CONNECTION + 3 }],
      [{ n: PREPARED_PER_CONNECTION + 4 }],
    ]);
    expect(await prepared()).toHaveLength(PREPARED_PER_CONNECTION);
  });

  it('is how every connection of createDataSource runs', async () => {
    const ds = createDataSource({ url: db.url, entities: [], migrations: [] });
    await ds.initialize();
    try {
      expect(await ds.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
    } finally {
      await ds.destroy();
    }
  });

  it('parses its texts again, on every connection, once PostgreSQL refused one whose result a migration changed', async () => {
    const other = new Client({ connectionString: db.url, options: SESSION_OPTIONS });
    await other.connect();
    try {
      await client.query(`CREATE TABLE shapes (n int)`);
      await client.query(`INSERT INTO shapes VALUES (7)`);
      const READ = 'SELECT n FROM shapes';
      for (const c of [client, other]) expect(await sendTogether(c, [[READ, []]])).toEqual([[{ n: 7 }]]);
      await client.query(`ALTER TABLE shapes ALTER COLUMN n TYPE bigint`);
      // The connection that meets the refusal fails once; then it, and the other, parse the text anew.
      await expect(sendTogether(client, [[READ, []]])).rejects.toMatchObject({ code: '0A000' });
      expect(await sendTogether(client, [[READ, []]])).toEqual([[{ n: '7' }]]);
      expect(await sendTogether(other, [[READ, []]])).toEqual([[{ n: '7' }]]);
    } finally {
      await other.end();
    }
  });
});
