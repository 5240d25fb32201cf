import { Client } from 'pg';
import { freshDatabase } from '@chanjiao/testing';
import { KEYED_TRANSACTION_SETTINGS, SESSION_OPTIONS } from './data-source';

/**
 * The hazard the settings guard against, on a real PostgreSQL: a prepared statement's generic plan is made once, on
 * the table as it was. Made on a table of a page, a seq scan finds a key cheapest, and the plan stays while the table
 * grows (no ANALYZE in between).
 */
describe('KEYED_TRANSACTION_SETTINGS (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    db = await freshDatabase('keyed_settings');
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** The plan of a keyed lookup prepared and run while the table held 20 rows, once it holds 50,000. */
  async function planAfterGrowth(settings: ReadonlyArray<[string, unknown[]]>): Promise<string> {
    const client = new Client({ connectionString: db.url, options: SESSION_OPTIONS });
    await client.connect();
    try {
      await client.query(`DROP TABLE IF EXISTS keyed; CREATE TABLE keyed (k text PRIMARY KEY, v int)`);
      await client.query(`INSERT INTO keyed SELECT 'k' || i, i FROM generate_series(1, 20) i; ANALYZE keyed`);
      await client.query('START TRANSACTION');
      for (const [sql] of settings) await client.query(sql);
      await client.query(`PREPARE find(text) AS SELECT v FROM keyed WHERE k = $1`);
      // PostgreSQL weighs a generic plan after five executions.
      for (let i = 1; i <= 8; i++) expect((await client.query(`EXECUTE find('k${i}')`)).rows).toEqual([{ v: i }]);
      await client.query(`INSERT INTO keyed SELECT 'g' || i, i FROM generate_series(1, 50000) i`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE find('g1')`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }

  it('keeps a generic plan that probes the index however the table grew', async () => {
    const plan = await planAfterGrowth(KEYED_TRANSACTION_SETTINGS);
    expect(plan).toMatch(/Index (Only )?Scan/);
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toContain('$1'); // generic: made for any key, not this one
  });

  it('without seq scans off, the generic plan made on the small table scans the large one whole', async () => {
    const plan = await planAfterGrowth(KEYED_TRANSACTION_SETTINGS.filter(([sql]) => !/enable_seqscan/.test(sql)));
    expect(plan).toMatch(/Seq Scan/);
    expect(plan).toContain('$1');
  });

  it('a connection plans each execution by default (the session options), which finds the index after growth', async () => {
    const plan = await planAfterGrowth([]);
    expect(plan).toMatch(/Index (Only )?Scan/);
    expect(plan).not.toContain('$1');
  });
});
