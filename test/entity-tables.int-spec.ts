import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { OUTBOX_ENTITIES } from '@chanjiao/messaging';
import { ColumnType, createDataSource, EntityTable, KeyValue, runMigrations, TableColumn } from '@chanjiao/persistence';
import { ImportJobEntity } from '@chanjiao/imports';
import { freshDatabase } from '@chanjiao/testing';
import { APPS } from '../scripts/apps';

/**
 * Each write service's repositories read and write their tables through `EntityTable`s, whose columns come from the
 * entities; the migrations come from the same entities (test/migrations.int-spec.ts). This holds the tables as the
 * repositories use them against the migrated database: every entity of a service has its table, every column it reads
 * and writes is there with its type and nullability, every other column of the table is a timestamp with a default
 * (nothing the repository would leave out), the key is the primary key, and a row goes in, comes back, is found by
 * key, locked, paged and updated as it was written (`keepOnUpdate` columns kept).
 */
const WRITE_APPS = ['enrollment', 'placement', 'partnership', 'alliance'] as const;
type Row = Record<string, unknown>;
type Table = EntityTable<Row>;

/** The tables a service's repositories export: `EntityTable`s, and repositories that are one (made without arguments). */
async function tablesOf(app: string): Promise<Table[]> {
  const dir = join(__dirname, '..', 'apps', app, 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.repository.ts'));
  const tables: Table[] = [];
  for (const file of files) {
    for (const value of Object.values((await import(join(dir, file))) as Record<string, unknown>)) {
      if (value instanceof EntityTable) tables.push(value as Table);
      else if (typeof value === 'function' && value.prototype instanceof EntityTable) tables.push(new (value as new () => Table)());
    }
  }
  return tables;
}

const UDT: Record<ColumnType, string> = {
  text: 'text',
  'text[]': '_text',
  int: 'int4',
  date: 'date',
  jsonb: 'jsonb',
  numeric: 'numeric',
  boolean: 'bool',
};

/** A value of each type as the state holds it, and another one for an update. */
function sample(c: TableColumn, n: number): unknown {
  switch (c.type) {
    case 'text':
      return `${c.prop}-${n}`;
    case 'text[]':
      return [`a${n}`, `b${n}`];
    case 'int':
      return 10 + n;
    case 'date':
      return `2022-03-0${n}`;
    case 'jsonb':
      return [{ n }];
    case 'numeric':
      return `1${n}.50`;
    case 'boolean':
      return n % 2 === 1;
  }
}

const rowOf = (t: Table, n: number, nulls: boolean): Row =>
  Object.fromEntries([
    ...t.keyColumns.map((c) => [c.prop, sample(c, n)]),
    ...t.dataColumns.map((c) => [c.prop, nulls && c.nullable ? null : sample(c, n)]),
  ]);
const keyOf = (t: Table, r: Row): KeyValue[] => t.keyColumns.map((c) => r[c.prop] as KeyValue);

describe.each(WRITE_APPS)('%s entity tables', (app) => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let tables: Table[];

  beforeAll(async () => {
    db = await freshDatabase(`tables_${app}`);
    ds = createDataSource({ url: db.url, entities: APPS[app]!.entities, migrations: APPS[app]!.migrations, poolSize: 2 });
    await ds.initialize();
    await runMigrations(ds);
    tables = await tablesOf(app);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it("has a table for each of the service's own entities", () => {
    const shared = new Set<unknown>([...OUTBOX_ENTITIES, ImportJobEntity]);
    const own = APPS[app]!.entities.filter((e) => !shared.has(e)).map((e) => ds.getMetadata(e).tableName);
    expect(tables.map((t) => t.table).sort()).toEqual([...new Set(own)].sort());
  });

  it('reads and writes only columns the migrated tables have, as they have them, and every column they must write', async () => {
    const problems: string[] = [];
    for (const t of tables) {
      const columns = new Map(
        (
          (await ds.query(
            `SELECT column_name AS name, udt_name AS udt, is_nullable = 'YES' AS nullable, column_default IS NOT NULL AS defaulted
             FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
            [t.table],
          )) as Array<{ name: string; udt: string; nullable: boolean; defaulted: boolean }>
        ).map((c) => [c.name, c]),
      );
      if (columns.size === 0) {
        problems.push(`${t.table}: no such table`);
        continue;
      }
      const said = new Set(['institution']);
      for (const c of [...t.keyColumns, ...t.dataColumns]) {
        said.add(c.column);
        const db = columns.get(c.column);
        if (!db) problems.push(`${t.table}.${c.column}: not in the table`);
        else if (db.udt !== UDT[c.type] || db.nullable !== c.nullable) {
          problems.push(
            `${t.table}.${c.column}: ${c.type}${c.nullable ? ' null' : ''} here, ${db.udt}${db.nullable ? ' null' : ''} in the table`,
          );
        }
      }
      for (const b of t.bookkeeping) {
        said.add(b.column);
        const db = columns.get(b.column);
        if (db?.udt !== 'timestamptz' || !db.defaulted)
          problems.push(`${t.table}.${b.column}: not a timestamptz with a default in the table`);
      }
      for (const [name, c] of columns) {
        if (said.has(name)) continue;
        problems.push(
          `${t.table}.${name}: in the table, neither read nor written${!c.nullable && !c.defaulted ? ' (NOT NULL, no default)' : ''}`,
        );
      }
      const key = (
        (await ds.query(
          `SELECT a.attname AS name FROM pg_index i
           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
           WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.n`,
          [t.table],
        )) as Array<{ name: string }>
      ).map((k) => k.name);
      const mine = ['institution', ...t.keyColumns.map((c) => c.column)];
      if (key.join() !== mine.join()) problems.push(`${t.table}: key (${mine.join(', ')}), primary key (${key.join(', ')}) in the table`);
    }
    expect(problems).toEqual([]);
  });

  it('writes a row, reads it back as written, finds, locks and pages it, and updates it', async () => {
    for (const t of tables) {
      const runner = ds.createQueryRunner();
      await runner.startTransaction();
      try {
        const m = runner.manager;
        const full = rowOf(t, 1, false);
        const sparse = rowOf(t, 2, true);
        await t.saveMany(m, 'T', [full, sparse], []);
        expect({ table: t.table, row: await t.find(m, 'T', ...keyOf(t, full)) }).toEqual({ table: t.table, row: full });
        expect({ table: t.table, row: await t.find(m, 'T', ...keyOf(t, sparse)) }).toEqual({ table: t.table, row: sparse });
        expect(await t.find(m, 'U', ...keyOf(t, full))).toBeUndefined();
        expect((await t.lockMany(m, 'T', [keyOf(t, sparse), keyOf(t, full)])).size).toBe(2);
        expect((await t.page(m, 'T', { limit: 10, after: null })).items).toEqual([full, sparse]);

        // Every column but the key changes; those kept on update stay as created.
        const changed = Object.assign(rowOf(t, 3, false), Object.fromEntries(t.keyColumns.map((c) => [c.prop, full[c.prop]])));
        await t.saveMany(m, 'T', [], [changed]);
        const expected = Object.assign({}, changed, Object.fromEntries(t.keptOnUpdate.map((p) => [p, full[p]])));
        expect({ table: t.table, row: await t.find(m, 'T', ...keyOf(t, full)) }).toEqual({ table: t.table, row: expected });
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    }
  });
});
