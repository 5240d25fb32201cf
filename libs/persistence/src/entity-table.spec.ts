import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EntityTable, Queryable } from './entity-table';

@Entity({ name: 'things' })
class ThingEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'thing_id', type: 'text' }) thingId!: string;
  @Column({ name: 'owner_id', type: 'text' }) ownerId!: string;
  @Column({ type: 'text', array: true }) tags!: string[];
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'made_on', type: 'date', nullable: true }) madeOn!: string | null;
  @Column({ type: 'numeric', precision: 15, scale: 2 }) amount!: string;
  @Column({ type: 'jsonb', default: () => "'[]'" }) history!: unknown;
  @Column({ type: 'boolean' }) open!: boolean;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}
interface Thing {
  thingId: string;
  ownerId: string;
  tags: string[];
  version: number;
  madeOn: string | null;
  amount: string;
  history: unknown[];
  open: boolean;
}

@Entity({ name: 'parts' })
class PartEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'thing_id', type: 'text' }) thingId!: string;
  @PrimaryColumn({ type: 'integer' }) version!: number;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
}
interface Part {
  thingId: string;
  version: number;
  note: string | null;
}

@Entity({ name: 'odd' })
class OddEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'real' }) weight!: number;
}

@Entity({ name: 'timed' })
class TimedEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ name: 'seen_at', type: 'timestamptz' }) seenAt!: Date;
}

/** Records every statement; answers each with `answer`'s rows. */
function recorder(answer: (sql: string) => unknown[] = () => []) {
  const sent: Array<{ sql: string; params: unknown[] }> = [];
  const q: Queryable = {
    query: (async (sql: string, params: unknown[]) => (sent.push({ sql, params }), answer(sql))) as Queryable['query'],
  };
  return { q, sent };
}
const flat = (sql: string) => sql.replace(/\s+/g, ' ').trim();

const things = new EntityTable<Thing>(ThingEntity, { key: ['thingId'], keepOnUpdate: ['ownerId'] });
const parts = new EntityTable<Part>(PartEntity, { key: ['thingId', 'version'] });
const thing = (id: string): Thing => ({
  thingId: id,
  ownerId: 'o',
  tags: [],
  version: 1,
  madeOn: null,
  amount: '1.00',
  history: [],
  open: true,
});

describe('EntityTable', () => {
  it('takes its columns from the entity: institution and timestamps apart, dates and numerics read as text', () => {
    expect(things.table).toBe('things');
    expect(things.keyColumns.map((c) => c.column)).toEqual(['thing_id']);
    expect(things.dataColumns.map((c) => `${c.column}:${c.type}${c.nullable ? '?' : ''}`)).toEqual([
      'owner_id:text',
      'tags:text[]',
      'version:int',
      'made_on:date?',
      'amount:numeric',
      'history:jsonb',
      'open:boolean',
    ]);
    expect(things.bookkeeping).toEqual([{ column: 'updated_at', prop: 'updatedAt', touched: true }]);
    expect(things.selectList).toBe(
      `thing_id AS "thingId", owner_id AS "ownerId", tags AS "tags", version AS "version", to_char(made_on, 'YYYY-MM-DD') AS "madeOn", ` +
        `amount::text AS "amount", history AS "history", open AS "open"`,
    );
    expect(parts.keyParts).toEqual(['text', 'int']);
    expect(parts.keyPartsUnder(1)).toEqual(['int']);
  });

  it('writes created rows as plain INSERTs and updated ones ON CONFLICT, 1000 rows a statement, from json', async () => {
    const { q, sent } = recorder();
    await things.saveMany(
      q,
      'I',
      Array.from({ length: 1001 }, (_, i) => thing(`T${i}`)),
      [thing('U')],
    );
    expect(sent.map((s) => (JSON.parse(s.params[1] as string) as unknown[]).length)).toEqual([1000, 1, 1]);
    expect(sent.every((s) => s.params[0] === 'I')).toBe(true);
    expect(flat(sent[0]!.sql)).toBe(
      'INSERT INTO things (institution, thing_id, owner_id, tags, version, made_on, amount, history, open, updated_at) ' +
        'SELECT $1, t."thingId", t."ownerId", t."tags", t."version", t."madeOn", t."amount", t."history", t."open", now() ' +
        'FROM json_to_recordset($2::json) AS t("thingId" text, "ownerId" text, "tags" text[], "version" int, "madeOn" date, ' +
        '"amount" numeric, "history" jsonb, "open" boolean)',
    );
    expect(flat(sent[2]!.sql)).toBe(
      `${flat(sent[0]!.sql)} ON CONFLICT (institution, thing_id) DO UPDATE SET tags = excluded.tags, version = excluded.version, ` +
        'made_on = excluded.made_on, amount = excluded.amount, history = excluded.history, open = excluded.open, updated_at = now()',
    );
    const none = recorder();
    await things.saveMany(none.q, 'I', [], []);
    expect(none.sent).toEqual([]);
  });

  it('leaves timestamps other than updated_at to their defaults', async () => {
    const { q, sent } = recorder();
    await parts.saveMany(q, 'I', [{ thingId: 'T', version: 1, note: null }], []);
    expect(flat(sent[0]!.sql)).toBe(
      'INSERT INTO parts (institution, thing_id, version, note) SELECT $1, t."thingId", t."version", t."note" ' +
        'FROM json_to_recordset($2::json) AS t("thingId" text, "version" int, "note" text)',
    );
  });

  it('locks rows one probe per key, keys distinct and in one order', async () => {
    const one = recorder();
    await things.lock(one.q, 'I', ['b', 'a', 'b'], 'share');
    expect(one.sent[0]!.params).toEqual(['I', ['a', 'b']]);
    expect(flat(one.sent[0]!.sql)).toBe(
      `SELECT r.* FROM unnest($2::text[]) AS k(key) CROSS JOIN LATERAL (SELECT ${things.selectList} FROM things ` +
        'WHERE institution = $1 AND thing_id = k.key FOR SHARE) AS r',
    );
    const two = recorder(() => [{ thingId: 'T', version: 2, note: null }]);
    const locked = await parts.lockMany(two.q, 'I', [
      ['T', 2],
      ['S', 1],
      ['T', 2],
    ]);
    expect(JSON.parse(two.sent[0]!.params[1] as string)).toEqual([
      { thingId: 'S', version: 1 },
      { thingId: 'T', version: 2 },
    ]);
    expect(flat(two.sent[0]!.sql)).toBe(
      'SELECT r.* FROM json_to_recordset($2::json) AS k("thingId" text, "version" int) CROSS JOIN LATERAL ' +
        `(SELECT ${parts.selectList} FROM parts WHERE institution = $1 AND thing_id = k."thingId" AND version = k."version" FOR UPDATE) AS r`,
    );
    expect([...locked.keys()]).toEqual([JSON.stringify(['T', 2])]);
    const none = recorder();
    expect(await things.lock(none.q, 'I', [])).toEqual([]);
    expect(none.sent).toEqual([]);
  });

  it('pages in key order, under a parent by the rest of the key', async () => {
    const rows = [
      { thingId: 'T', version: 1, note: null },
      { thingId: 'T', version: 2, note: null },
    ];
    const { q, sent } = recorder(() => rows);
    const page = await parts.pageUnder(q, 'I', ['T'], { limit: 1, after: [0] });
    expect(flat(sent[0]!.sql)).toBe(
      `SELECT ${parts.selectList} FROM parts WHERE institution = $1 AND thing_id = $2 AND version > $3 ORDER BY version LIMIT $4`,
    );
    expect(sent[0]!.params).toEqual(['I', 'T', 0, 2]);
    expect(page.items).toEqual([rows[0]]);
    expect(JSON.parse(Buffer.from(page.nextCursor!, 'base64url').toString())).toEqual([1]);
  });

  it('refuses an entity it cannot carry: a key that is not the primary key, a type it does not map, a timestamp without a default', () => {
    expect(() => new EntityTable<Thing>(ThingEntity, { key: ['ownerId'] })).toThrow(/not the entity's primary key/);
    expect(() => new EntityTable<Thing>(ThingEntity, { key: ['thingId'], keepOnUpdate: ['thingId'] })).toThrow(/keepOnUpdate/);
    expect(() => new EntityTable<{ id: string }>(OddEntity, { key: ['id'] })).toThrow(/odd\.weight: column type real/);
    expect(() => new EntityTable<{ id: string }>(TimedEntity, { key: ['id'] })).toThrow(/timed\.seen_at: a timestamp needs a default/);
  });
});
