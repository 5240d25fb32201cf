import { Client } from 'pg';
import { freshDatabase } from '@chanjiao/testing';
import { inLockOrder, rowsByKeys } from './rows-by-keys';

/** A student-sized table that was never analyzed, as on a new deployment or with autovacuum off. */
describe('rowsByKeys (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: Client;

  beforeAll(async () => {
    db = await freshDatabase('rows_by_keys');
    client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `CREATE TABLE students (institution text, student_id text, version int, PRIMARY KEY (institution, student_id, version))`,
    );
    await client.query(`INSERT INTO students SELECT 'A', 'S' || g, v FROM generate_series(1, 20000) g, generate_series(1, 2) v`);
    await client.query(`INSERT INTO students SELECT 'B', 'S' || g, 1 FROM generate_series(1, 100) g`);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  /** Runs `sql` in a transaction and returns its rows with the rows it fetched by index and its sequential scans. */
  async function measured(sql: string, params: unknown[]) {
    const stats = async () =>
      (await client.query(`SELECT seq_scan, idx_tup_fetch FROM pg_stat_xact_user_tables WHERE relname = 'students'`)).rows[0] as {
        seq_scan: string;
        idx_tup_fetch: string;
      };
    await client.query('BEGIN');
    try {
      const before = await stats();
      const { rows } = await client.query(sql, params);
      const after = await stats();
      return {
        rows,
        seqScans: Number(after.seq_scan) - Number(before.seq_scan),
        indexEntries: Number(after.idx_tup_fetch) - Number(before.idx_tup_fetch),
      };
    } finally {
      await client.query('ROLLBACK');
    }
  }

  const keys = inLockOrder(Array.from({ length: 200 }, (_, i) => `S${1 + ((i * 97) % 20000)}`).concat(['S5', 'missing']));

  it('finds 200 keys by one index probe each, locking them in the order given', async () => {
    const sql = rowsByKeys({ columns: 'student_id AS "studentId", version', table: 'students', key: 'student_id', then: 'FOR UPDATE' });
    const r = await measured(sql, ['A', keys]);
    expect(r.rows.map((x: { studentId: string }) => x.studentId)).toEqual(keys.filter((k) => k !== 'missing').flatMap((k) => [k, k]));
    expect(r.seqScans).toBe(0);
    // Both versions of each of the 200 students found, nothing else fetched: not the institution's 40,000 rows.
    expect(r.indexEntries).toBeLessThanOrEqual(2 * keys.length);
  });

  it('keeps the institution apart and takes what `then` says per key', async () => {
    const sql = rowsByKeys({
      columns: 'student_id AS "studentId", version',
      table: 'students',
      key: 'student_id',
      then: 'ORDER BY version DESC LIMIT 1',
    });
    const r = await measured(sql, ['B', ['S1', 'S150', 'S99']]);
    expect(r.rows).toEqual([
      { studentId: 'S1', version: 1 },
      { studentId: 'S99', version: 1 },
    ]);
    const latest = await measured(sql, ['A', ['S7']]);
    expect(latest.rows).toEqual([{ studentId: 'S7', version: 2 }]);
  });

  it('orders keys once each, the same for every writer', () => {
    expect(inLockOrder(['b', 'a', 'b', 'C'])).toEqual(['C', 'a', 'b']);
  });
});
