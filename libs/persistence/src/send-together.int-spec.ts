import { Client } from 'pg';
import { freshDatabase } from '@chanjiao/testing';
import { countSocketWrites } from '@chanjiao/test-support';
import { sendTogether, StatementPipeline } from './send-together';

describe('sendTogether (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: Client;

  beforeAll(async () => {
    db = await freshDatabase('send_together');
    client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`CREATE TABLE t (id int PRIMARY KEY, doc jsonb, at timestamptz, tags text[])`);
  });
  afterAll(async () => {
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
    expect(writes).toBe(1);
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
