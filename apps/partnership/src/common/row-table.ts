import { DataSource, EntityManager } from 'typeorm';
import { inLockOrder, KeyPart, keysetSql, Page, PageRequest, rowsByKeys, toPage } from '@chanjiao/persistence';

type Queryable = Pick<DataSource | EntityManager, 'query'>;

export interface ColumnSpec {
  column: string;
  prop: string;
  type: 'text' | 'text[]' | 'int' | 'date' | 'jsonb' | 'numeric' | 'boolean';
}

/**
 * Bulk reads and writes of one table of (institution, id)-keyed rows, the way every write service
 * does them: rows locked in key order, new rows as plain INSERTs (a concurrent creator fails on the
 * primary key and its transaction is retried), changed rows with ON CONFLICT DO UPDATE.
 */
export class RowTable<S> {
  private readonly selectList: string;
  private readonly keyColumns: string[];

  constructor(
    readonly table: string,
    private readonly idColumns: ColumnSpec[],
    private readonly columns: ColumnSpec[],
  ) {
    this.selectList = [...idColumns, ...columns]
      .map((c) =>
        c.type === 'date'
          ? `to_char(${c.column}, 'YYYY-MM-DD') AS "${c.prop}"`
          : c.type === 'numeric'
            ? `${c.column}::text AS "${c.prop}"`
            : `${c.column} AS "${c.prop}"`,
      )
      .join(', ');
    this.keyColumns = idColumns.map((c) => c.column);
  }

  private keyOf = (row: S): string => JSON.stringify(this.idColumns.map((c) => (row as Record<string, unknown>)[c.prop]));
  private keyFilter(): string {
    if (this.idColumns.length === 1) return `${this.idColumns[0]!.column} = ANY($2::text[])`;
    return `(${this.keyColumns.join(', ')}) IN (SELECT * FROM json_to_recordset($2::json) AS k(${this.idColumns
      .map((c) => `"${c.prop}" text`)
      .join(', ')}))`;
  }
  private keyParam(ids: string[][]): unknown {
    if (this.idColumns.length === 1) return [...new Set(ids.map((i) => i[0]!))];
    return JSON.stringify(ids.map((i) => Object.fromEntries(this.idColumns.map((c, n) => [c.prop, i[n]]))));
  }

  async find(q: Queryable, institution: string, ...id: string[]): Promise<S | undefined> {
    const rows = await q.query(`SELECT ${this.selectList} FROM ${this.table} WHERE institution = $1 AND ${this.keyFilter()}`, [
      institution,
      this.keyParam([id]),
    ]);
    return (rows as S[])[0];
  }

  async list(q: Queryable, institution: string, where = '', params: unknown[] = []): Promise<S[]> {
    return q.query(
      `SELECT ${this.selectList} FROM ${this.table} WHERE institution = $1 ${where ? `AND ${where}` : ''} ORDER BY ${this.keyColumns.join(', ')}`,
      [institution, ...params],
    ) as Promise<S[]>;
  }

  /** What a cursor of {@link page} holds: the row's key. */
  get keyParts(): KeyPart[] {
    return this.idColumns.map((c) => (c.type === 'int' ? 'int' : c.type === 'date' ? 'date' : 'text'));
  }

  /** A page of the rows (of those `where` selects) in key order: the lists clients read (see PageQuery). */
  async page(q: Queryable, institution: string, page: PageRequest, where = '', params: unknown[] = []): Promise<Page<S>> {
    const k = keysetSql(this.keyColumns, page, 2 + params.length);
    const conditions = [where, k.where].filter((c) => c !== '').map((c) => `AND ${c}`);
    const rows = (await q.query(
      `SELECT ${this.selectList} FROM ${this.table} WHERE institution = $1 ${conditions.join(' ')} ${k.orderLimit}`,
      [institution, ...params, ...k.params],
    )) as S[];
    return toPage(rows, page, (r) => this.idColumns.map((c) => (r as Record<string, string | number>)[c.prop]!));
  }

  /** Loads and row-locks the rows a write is about to change (key order, so writers do not deadlock). Keyed by JSON id list. */
  async lockMany(m: EntityManager, institution: string, ids: string[][]): Promise<Map<string, S>> {
    if (ids.length === 0) return new Map();
    const rows = (await m.query(this.probeKeys(this.selectList, 'FOR UPDATE'), [institution, this.keysInLockOrder(ids)])) as S[];
    return new Map(rows.map((r) => [this.keyOf(r), r]));
  }

  /** Ids (single-column keys) that exist, share-locked so they cannot vanish before commit. */
  async existing(m: EntityManager, institution: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const c = this.idColumns[0]!;
    const rows = (await m.query(rowsByKeys({ columns: `${c.column} AS id`, table: this.table, key: c.column, then: 'FOR SHARE' }), [
      institution,
      inLockOrder(ids),
    ])) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  /**
   * One index probe per key, keys in the order given (see `rowsByKeys`, which this is for one key column): never
   * `key = ANY(...)` or `IN (...)`, which PostgreSQL may answer by scanning the institution's rows.
   */
  private probeKeys(columns: string, then: string): string {
    if (this.idColumns.length === 1) return rowsByKeys({ columns, table: this.table, key: this.idColumns[0]!.column, then });
    const match = this.idColumns.map((c) => `${c.column} = k."${c.prop}"`).join(' AND ');
    return `SELECT r.* FROM json_to_recordset($2::json) AS k(${this.idColumns.map((c) => `"${c.prop}" text`).join(', ')})
      CROSS JOIN LATERAL (SELECT ${columns} FROM ${this.table} WHERE institution = $1 AND ${match} ${then}) AS r`;
  }

  /** The distinct keys in one fixed order, as `probeKeys` takes them. */
  private keysInLockOrder(ids: string[][]): unknown {
    if (this.idColumns.length === 1) return inLockOrder(ids.map((i) => i[0]!));
    const sorted = inLockOrder(ids.map((i) => JSON.stringify(i))).map((k) => JSON.parse(k) as string[]);
    return JSON.stringify(sorted.map((i) => Object.fromEntries(this.idColumns.map((c, n) => [c.prop, i[n]]))));
  }

  async saveMany(m: EntityManager, institution: string, created: S[], updated: S[]): Promise<void> {
    const all = [...this.idColumns, ...this.columns];
    const write = async (rows: S[], onConflict: string) => {
      for (let i = 0; i < rows.length; i += 1000) {
        await m.query(
          `INSERT INTO ${this.table} (institution, ${all.map((c) => c.column).join(', ')}, updated_at)
           SELECT $1, ${all.map((c) => `t."${c.prop}"`).join(', ')}, now()
           FROM json_to_recordset($2::json) AS t(${all.map((c) => `"${c.prop}" ${c.type}`).join(', ')})
           ${onConflict}`,
          [institution, JSON.stringify(rows.slice(i, i + 1000))],
        );
      }
    };
    if (created.length) await write(created, '');
    if (updated.length) {
      await write(
        updated,
        `ON CONFLICT (institution, ${this.keyColumns.join(', ')}) DO UPDATE SET ${this.columns
          .map((c) => `${c.column} = excluded.${c.column}`)
          .join(', ')}, updated_at = now()`,
      );
    }
  }
}
