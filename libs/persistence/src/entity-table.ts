import { DataSource, EntityManager, getMetadataArgsStorage } from 'typeorm';
import { KeyPart, keysetSql, KeyValue, Page, PageRequest, toPage } from './keyset-paging';
import { inLockOrder, rowsByKeys } from './rows-by-keys';

export type Queryable = Pick<DataSource | EntityManager, 'query'>;

/** A column's type as its values travel: the `json_to_recordset` type it is written as (and so read back as). */
export type ColumnType = 'text' | 'text[]' | 'int' | 'date' | 'jsonb' | 'numeric' | 'boolean';

/** One column a table reads and writes: its SQL name and its property in the entity, and so in the state. */
export interface TableColumn {
  column: string;
  prop: string;
  type: ColumnType;
  /** May be null in the database (the entity's `nullable`). */
  nullable: boolean;
}

/** A bookkeeping column: in the table, not in the state (a timestamp with a default, such as `updated_at`). */
export interface BookkeepingColumn {
  column: string;
  prop: string;
  /** Set to now() on every write, an update too (`updated_at`); else left to its default when a row is created. */
  touched: boolean;
}

export interface EntityTableOptions<S> {
  /** The row's key after `institution` (the first key column of every table, `$1` of every statement), in key order. */
  key: ReadonlyArray<keyof S & string>;
  /** Columns an update leaves as they are: fixed when the row is created. */
  keepOnUpdate?: ReadonlyArray<keyof S & string>;
  /** Rows per INSERT statement [1000]. */
  chunk?: number;
}

/** An entity class whose instances carry every property of the state `S` (the columns it reads and writes). */
export type EntityOf<S> = abstract new (...args: never[]) => { [K in keyof S]-?: unknown };

const UPDATED_AT = 'updatedAt';

/**
 * One table of (institution, key…)-keyed rows, its columns taken from its TypeORM entity (the one source of a table's
 * columns: the migrations are generated from it and `test/entity-tables.int-spec.ts` holds this against the migrated
 * database). A state's properties are the entity's, minus `institution` (every statement's `$1`) and the bookkeeping
 * timestamps, so adding a field is adding it to the entity (and its migration) and to the state. Bulk reads and
 * writes the way every write service does them: rows locked in key order, one index probe per key; new rows as plain
 * INSERTs (a concurrent creator fails on the primary key and its transaction is retried), changed rows with
 * ON CONFLICT DO UPDATE; rows travel as `json_to_recordset`, dates as 'YYYY-MM-DD' and numerics as text.
 */
export class EntityTable<S> {
  /** The table's name (the entity's). */
  readonly table: string;
  /** The key columns after `institution`, in key order. */
  readonly keyColumns: readonly TableColumn[];
  /** The other columns the state holds, in the entity's order. */
  readonly dataColumns: readonly TableColumn[];
  readonly bookkeeping: readonly BookkeepingColumn[];
  /** The properties an update leaves as they are (`keepOnUpdate`). */
  readonly keptOnUpdate: readonly string[];
  /** The key then the other columns, each `AS "<prop>"`: what every read selects. */
  readonly selectList: string;
  private readonly keyNames: string[];
  private readonly chunk: number;
  private readonly insertSql: string;
  private readonly upsertSql: string;

  constructor(entity: EntityOf<S>, options: EntityTableOptions<S>) {
    const storage = getMetadataArgsStorage();
    const name = storage.tables.find((t) => t.target === entity)?.name;
    if (!name) throw new Error(`${entity.name} is not an @Entity with a name`);
    this.table = name;
    const columns = storage.columns.filter((c) => c.target === entity);
    const primary = columns.filter((c) => c.options.primary).map((c) => c.propertyName);
    const expected = ['institution', ...options.key];
    if (primary.length !== expected.length || !expected.every((k) => primary.includes(k))) {
      throw new Error(`${name}: key (institution, ${options.key.join(', ')}) is not the entity's primary key (${primary.join(', ')})`);
    }
    const specs: TableColumn[] = [];
    const bookkeeping: BookkeepingColumn[] = [];
    for (const c of columns) {
      if (c.propertyName === 'institution') continue;
      const column = c.options.name ?? c.propertyName;
      const type = typeof c.options.type === 'string' ? c.options.type : undefined;
      if (type === 'timestamptz' || type === 'timestamp with time zone' || type === 'timestamp') {
        if (c.options.default === undefined && !c.options.nullable) throw new Error(`${name}.${column}: a timestamp needs a default`);
        bookkeeping.push({ column, prop: c.propertyName, touched: c.propertyName === UPDATED_AT });
        continue;
      }
      specs.push({
        column,
        prop: c.propertyName,
        type: columnType(name, column, type, c.options.array === true),
        nullable: !!c.options.nullable,
      });
    }
    const byProp = new Map(specs.map((c) => [c.prop, c]));
    this.keyColumns = options.key.map((k) => byProp.get(k)!);
    this.dataColumns = specs.filter((c) => !options.key.includes(c.prop as keyof S & string));
    this.bookkeeping = bookkeeping;
    this.keyNames = this.keyColumns.map((c) => c.column);
    this.chunk = options.chunk ?? 1000;
    this.selectList = [...this.keyColumns, ...this.dataColumns].map(selected).join(', ');

    this.keptOnUpdate = [...(options.keepOnUpdate ?? [])];
    const kept = new Set<string>(this.keptOnUpdate);
    for (const k of kept) if (!this.dataColumns.some((c) => c.prop === k)) throw new Error(`${name}: keepOnUpdate ${k} is no column`);
    const all = [...this.keyColumns, ...this.dataColumns];
    const touched = bookkeeping.filter((b) => b.touched).map((b) => b.column);
    // json, not jsonb: PostgreSQL reads the rows without building and key-sorting a jsonb document first (a quarter
    // less per row, BENCHMARKS.md).
    this.insertSql = `INSERT INTO ${name} (institution, ${[...all.map((c) => c.column), ...touched].join(', ')})
      SELECT $1, ${[...all.map((c) => `t."${c.prop}"`), ...touched.map(() => 'now()')].join(', ')}
      FROM json_to_recordset($2::json) AS t(${all.map((c) => `"${c.prop}" ${c.type}`).join(', ')})`;
    const set = [
      ...this.dataColumns.filter((c) => !kept.has(c.prop)).map((c) => `${c.column} = excluded.${c.column}`),
      ...touched.map((t) => `${t} = now()`),
    ];
    this.upsertSql = `${this.insertSql}
      ON CONFLICT (institution, ${this.keyNames.join(', ')}) ${set.length ? `DO UPDATE SET ${set.join(', ')}` : 'DO NOTHING'}`;
  }

  /** The row of one key (all of it, in key order). */
  async find(q: Queryable, institution: string, ...key: KeyValue[]): Promise<S | undefined> {
    const match = this.keyNames.map((c, i) => `${c} = $${i + 2}`).join(' AND ');
    const rows = (await q.query(`SELECT ${this.selectList} FROM ${this.table} WHERE institution = $1 AND ${match}`, [
      institution,
      ...key,
    ])) as S[];
    return rows[0];
  }

  /** The rows `where` selects (its parameters from `$2`), in key order. */
  async list(q: Queryable, institution: string, where = '', params: unknown[] = []): Promise<S[]> {
    return q.query(
      `SELECT ${this.selectList} FROM ${this.table} WHERE institution = $1 ${where ? `AND ${where}` : ''} ORDER BY ${this.keyNames.join(', ')}`,
      [institution, ...params],
    ) as Promise<S[]>;
  }

  /** What a cursor of {@link page} holds: the row's key. */
  get keyParts(): KeyPart[] {
    return this.keyColumns.map(keyPart);
  }

  /** A page of the rows (of those `where` selects, its parameters from `$2`) in key order: the lists clients read. */
  async page(q: Queryable, institution: string, page: PageRequest, where = '', params: unknown[] = []): Promise<Page<S>> {
    return this.pageOver(q, institution, this.keyColumns, page, where, params);
  }

  /**
   * A page of the rows under `parent` (the first parts of their key: an alliance's members), in key order; the cursor
   * holds the rest of the key ({@link keyPartsUnder}).
   */
  async pageUnder(q: Queryable, institution: string, parent: readonly KeyValue[], page: PageRequest): Promise<Page<S>> {
    const where = this.keyNames
      .slice(0, parent.length)
      .map((c, i) => `${c} = $${i + 2}`)
      .join(' AND ');
    return this.pageOver(q, institution, this.keyColumns.slice(parent.length), page, where, [...parent]);
  }

  /** What a cursor of {@link pageUnder} holds, under a parent of `depth` key parts. */
  keyPartsUnder(depth: number): KeyPart[] {
    return this.keyColumns.slice(depth).map(keyPart);
  }

  private async pageOver(
    q: Queryable,
    institution: string,
    key: readonly TableColumn[],
    page: PageRequest,
    where: string,
    params: unknown[],
  ): Promise<Page<S>> {
    const k = keysetSql(
      key.map((c) => c.column),
      page,
      2 + params.length,
    );
    const conditions = [where, k.where].filter((c) => c !== '').map((c) => `AND ${c}`);
    const rows = (await q.query(
      `SELECT ${this.selectList} FROM ${this.table} WHERE institution = $1 ${conditions.join(' ')} ${k.orderLimit}`,
      [institution, ...params, ...k.params],
    )) as S[];
    return toPage(rows, page, (r) => key.map((c) => (r as Record<string, KeyValue>)[c.prop]!));
  }

  /**
   * Loads and row-locks the rows a write is about to change, one index probe per key in one key order (so writers do
   * not deadlock); a single-column key may be given as itself. `share`: FOR SHARE, for rows a write needs to exist.
   */
  async lock(
    m: Queryable,
    institution: string,
    keys: ReadonlyArray<KeyValue | readonly KeyValue[]>,
    mode: 'update' | 'share' = 'update',
  ): Promise<S[]> {
    if (keys.length === 0) return [];
    const then = mode === 'update' ? 'FOR UPDATE' : 'FOR SHARE';
    if (this.keyColumns.length === 1) {
      const ids = inLockOrder(keys.map((k) => String(Array.isArray(k) ? k[0] : k)));
      return (await m.query(rowsByKeys({ columns: this.selectList, table: this.table, key: this.keyNames[0]!, then }), [
        institution,
        ids,
      ])) as S[];
    }
    return (await m.query(this.probeKeys(then), [institution, this.keysInLockOrder(keys as ReadonlyArray<readonly KeyValue[]>)])) as S[];
  }

  /** {@link lock}ed rows by the JSON of their key (`JSON.stringify([id])`, `JSON.stringify([baseId, investmentId])`). */
  async lockMany(m: Queryable, institution: string, ids: ReadonlyArray<readonly KeyValue[]>): Promise<Map<string, S>> {
    const rows = await this.lock(m, institution, ids);
    return new Map(rows.map((r) => [JSON.stringify(this.keyColumns.map((c) => (r as Record<string, unknown>)[c.prop])), r]));
  }

  /**
   * The rows whose first key part is one of `parents`, one index probe per parent (see `rowsByKeys`); `then` goes in
   * each probe (`ORDER BY version DESC LIMIT 1`: the latest of each).
   */
  async under(q: Queryable, institution: string, parents: readonly string[], then: string): Promise<S[]> {
    if (parents.length === 0) return [];
    return (await q.query(rowsByKeys({ columns: this.selectList, table: this.table, key: this.keyNames[0]!, then }), [
      institution,
      inLockOrder(parents),
    ])) as S[];
  }

  /**
   * The ids (of a single-column key) that exist: `share`-locked so that they cannot vanish before commit, or not locked
   * (`none`) where nothing deletes them.
   */
  async existing(q: Queryable, institution: string, ids: readonly string[], lock: 'share' | 'none' = 'share'): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    if (this.keyColumns.length !== 1) throw new Error(`${this.table}: existing() is for a single-column key`);
    const key = this.keyNames[0]!;
    const rows = (await q.query(
      rowsByKeys({ columns: `${key} AS id`, table: this.table, key, then: lock === 'share' ? 'FOR SHARE' : 'LIMIT 1' }),
      [institution, inLockOrder(ids)],
    )) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Writes new rows (`created`: plain INSERTs, so a concurrent creator of the same key fails on it and is retried)
   * and changed ones (`updated`: ON CONFLICT DO UPDATE of every column but the key and `keepOnUpdate`).
   */
  async saveMany(m: Queryable, institution: string, created: readonly S[], updated: readonly S[]): Promise<void> {
    await this.write(m, institution, created, this.insertSql);
    await this.write(m, institution, updated, this.upsertSql);
  }

  private async write(m: Queryable, institution: string, rows: readonly S[], sql: string): Promise<void> {
    for (let i = 0; i < rows.length; i += this.chunk) {
      await m.query(sql, [institution, JSON.stringify(rows.length <= this.chunk ? rows : rows.slice(i, i + this.chunk))]);
    }
  }

  /** One index probe per key of several columns, keys in the order given (as `rowsByKeys` for one column). */
  private probeKeys(then: string): string {
    const match = this.keyColumns.map((c) => `${c.column} = k."${c.prop}"`).join(' AND ');
    return `SELECT r.* FROM json_to_recordset($2::json) AS k(${this.keyColumns.map((c) => `"${c.prop}" ${c.type}`).join(', ')})
      CROSS JOIN LATERAL (SELECT ${this.selectList} FROM ${this.table} WHERE institution = $1 AND ${match} ${then}) AS r`;
  }

  /** The distinct keys in one fixed order, as `probeKeys` takes them. */
  private keysInLockOrder(keys: ReadonlyArray<readonly KeyValue[]>): string {
    const sorted = inLockOrder(keys.map((k) => JSON.stringify(k))).map((k) => JSON.parse(k) as KeyValue[]);
    return JSON.stringify(sorted.map((k) => Object.fromEntries(this.keyColumns.map((c, n) => [c.prop, k[n]]))));
  }
}

/** How a column is selected: dates as 'YYYY-MM-DD' and numerics as text (exact), the rest as the driver reads them. */
function selected(c: TableColumn): string {
  switch (c.type) {
    case 'date':
      return `to_char(${c.column}, 'YYYY-MM-DD') AS "${c.prop}"`;
    case 'numeric':
      return `${c.column}::text AS "${c.prop}"`;
    case 'text':
    case 'text[]':
    case 'int':
    case 'jsonb':
    case 'boolean':
      return `${c.column} AS "${c.prop}"`;
  }
}

function keyPart(c: TableColumn): KeyPart {
  return c.type === 'int' ? 'int' : c.type === 'date' ? 'date' : 'text';
}

/** The entity's column types (TypeORM's names) as rows travel; a type not here is refused at construction. */
const COLUMN_TYPES: Readonly<Record<string, ColumnType>> = {
  text: 'text',
  integer: 'int',
  int: 'int',
  int4: 'int',
  date: 'date',
  jsonb: 'jsonb',
  numeric: 'numeric',
  decimal: 'numeric',
  boolean: 'boolean',
  bool: 'boolean',
};

function columnType(table: string, column: string, type: string | undefined, array: boolean): ColumnType {
  const scalar = type !== undefined && Object.hasOwn(COLUMN_TYPES, type) ? COLUMN_TYPES[type] : undefined;
  if (array && scalar === 'text') return 'text[]';
  if (!scalar || array) throw new Error(`${table}.${column}: column type ${String(type)}${array ? '[]' : ''} is not one EntityTable maps`);
  return scalar;
}
